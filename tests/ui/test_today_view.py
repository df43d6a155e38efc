"""The Today view: the day's calls painted as bars by kind and by outcome, and the share of
connected calls that became a deal. Built alone on a temp database; ``clock`` is
2026-11-25 08:00 UTC and the calls below are all within the last hours (today)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QBoxLayout

from companion.desk import Desk
from companion.journal import Journal
from companion.method import Facts, Kind, Temperature, kind_temperature, temperature_of
from companion.ui.style import OK_COLOUR, TEMPERATURE_COLOURS
from companion.ui.today_view import BarChart, TodayView

IRINA = "+7 495 123-45-67"
MICHAEL = "+1 212 555 0143"
OLEG = "+7 812 555-12-34"
STRANGER = "+7 916 555-01-23"


@pytest.fixture
def view(qtbot, desk: Desk) -> TodayView:  # type: ignore[no-untyped-def]
    widget = TodayView(Journal(desk))
    qtbot.addWidget(widget)
    widget.resize(320, 600)
    widget.show()
    return widget


@pytest.fixture
def day(desk: Desk, colleague: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    """Me: 3 cold calls (one reached), 1 hot deal, 1 first-time caller not logged yet; and
    yesterday's and the colleague's calls, which my Today does not count."""
    ago = lambda hours: clock.now - timedelta(hours=hours)  # noqa: E731
    desk.log(IRINA, "out", "talked", at=ago(5))
    desk.log(IRINA, "out", "deal", at=ago(4))
    desk.log(MICHAEL, "out", "no_answer", at=ago(3))
    desk.log(OLEG, "out", "no_answer", at=ago(2))
    desk.begin_call(STRANGER, "in")
    desk.log(MICHAEL, "out", "deal", at=clock.now - timedelta(days=1))
    colleague.log(OLEG, "out", "deal", at=ago(1))


def values(chart: BarChart) -> dict[str, int]:
    return {bar.label: bar.value for bar in chart.bars}


def test_no_calls_yet_says_so_instead_of_empty_charts(view: TodayView) -> None:
    assert not view.empty.isHidden() and view.empty.text() == "No calls yet today"
    assert view.charts.isHidden() and view.summary.isHidden()
    view.grab()  # paints without a call to divide by


def test_bars_by_kind_count_my_calls_today(view: TodayView, day: None) -> None:
    view.refresh()
    assert view.empty.isHidden() and not view.charts.isHidden()
    assert values(view.kind_chart) == {
        "Incoming · first-time caller": 1,
        "Incoming · returning": 0,
        "Incoming · referral": 0,
        "Incoming · repeat (our client)": 0,
        "Callback expected": 0,
        "Outgoing · hot": 1,
        "Outgoing · warm": 0,
        "Outgoing · cold": 3,
    }


def test_kind_bars_take_the_colour_of_their_temperature(view: TodayView) -> None:
    colours = {bar.label: bar.colour for bar in view.kind_chart.bars}
    assert colours["Outgoing · hot"] == TEMPERATURE_COLOURS[Temperature.HOT][0]
    assert colours["Outgoing · warm"] == TEMPERATURE_COLOURS[Temperature.WARM][0]
    assert colours["Outgoing · cold"] == TEMPERATURE_COLOURS[Temperature.COLD][0]
    assert colours["Incoming · first-time caller"] == TEMPERATURE_COLOURS[Temperature.COLD][0]
    assert colours["Incoming · referral"] == TEMPERATURE_COLOURS[Temperature.WARM][0]
    assert colours["Incoming · repeat (our client)"] == TEMPERATURE_COLOURS[Temperature.WARM][0]
    # asking to be called back is consent to talk: warm, though the kind alone adds no contact
    assert colours["Callback expected"] == TEMPERATURE_COLOURS[Temperature.WARM][0]


def test_a_kind_implies_the_temperature_of_its_contact_and_a_callback_is_warm() -> None:
    for kind in Kind:
        expected = Temperature.WARM if kind is Kind.CALLBACK else temperature_of(kind, Facts())
        assert kind_temperature(kind) is expected, kind
    assert [kind_temperature(k) for k in (Kind.HOT, Kind.COLD, Kind.FIRST_TIME, Kind.RETURNING)] == [
        Temperature.HOT,
        Temperature.COLD,
        Temperature.COLD,
        Temperature.WARM,
    ]


def test_bars_by_outcome_include_the_calls_not_logged_yet(view: TodayView, day: None) -> None:
    view.refresh()
    counted = values(view.outcome_chart)
    assert counted["No answer"] == 2 and counted["Talked"] == 1 and counted["Deal"] == 1
    assert counted["Not logged yet"] == 1
    assert sum(counted.values()) == 5
    deal = next(bar for bar in view.outcome_chart.bars if bar.label == "Deal")
    assert deal.colour == OK_COLOUR
    assert view.outcome_chart.bars[-1].hatched  # open, not a result: drawn differently


def test_conversion_is_deals_per_connected_call(view: TodayView, day: None) -> None:
    view.refresh()
    assert view.conversion.text() == "50%"  # 1 deal of 2 calls that reached someone
    assert view.funnel.text() == "Calls 5 → connected 2 → deals 1"
    assert view.directions.text() == "← 1 incoming · → 4 outgoing"


def test_no_conversion_figure_before_anyone_is_reached(desk: Desk, view: TodayView) -> None:
    desk.log(MICHAEL, "out", "no_answer", at=desk.clock())
    view.refresh()
    assert view.conversion.text() == "—"
    assert view.funnel.text() == "Calls 1 → connected 0 → deals 0"


def test_the_whole_team_switch_counts_colleagues_too(view: TodayView, day: None) -> None:
    view.refresh()
    assert "· me" in view.heading.text()
    view.team.setChecked(True)
    assert "the whole team" in view.heading.text()
    assert values(view.outcome_chart)["Deal"] == 2
    assert view.conversion.text() == "67%"  # 2 deals of 3 connected


def test_refresh_counts_a_call_logged_since(desk: Desk, view: TodayView) -> None:
    desk.log(IRINA, "in", "interested", at=desk.clock())
    view.refresh()
    assert values(view.kind_chart)["Incoming · first-time caller"] == 1
    assert values(view.outcome_chart)["Interested"] == 1


@pytest.mark.parametrize("width", [320, 900])
def test_the_longest_bar_fills_the_width_and_the_others_are_in_proportion(
    view: TodayView, day: None, width: int
) -> None:
    view.refresh()
    shapes = {shape.bar.label: shape for shape in view.kind_chart.geometry_of_bars(width)}
    cold, hot, warm = shapes["Outgoing · cold"], shapes["Outgoing · hot"], shapes["Outgoing · warm"]
    assert cold.fill.width() == pytest.approx(cold.track.width()) == pytest.approx(width)
    assert hot.fill.width() == pytest.approx(width / 3)
    assert warm.fill.width() == 0
    tops = [shape.text.top() for shape in shapes.values()]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)  # one row each, no overlap
    assert cold.track.top() >= cold.text.bottom()  # the label sits above its bar


def test_the_chart_paints_each_bar_in_its_colour(qtbot, view: TodayView, day: None) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    chart = view.kind_chart
    qtbot.waitUntil(lambda: chart.height() >= chart.sizeHint().height())  # laid out with its bars
    image = chart.grab().toImage()
    for shape in chart.geometry_of_bars():
        if shape.bar.value:
            centre = shape.fill.center().toPoint()
            assert image.pixelColor(centre) == QColor(shape.bar.colour), shape.bar.label


def test_screen_readers_get_the_numbers_too(view: TodayView, day: None) -> None:
    view.refresh()
    description = view.kind_chart.accessibleDescription()
    assert "Outgoing · cold: 3" in description and "Outgoing · hot: 1" in description
    assert view.kind_chart.accessibleName() and view.outcome_chart.accessibleName()
    assert view.team.accessibleName() and view.conversion.accessibleName()


def test_narrow_stacks_the_charts_and_wide_sets_them_side_by_side(qtbot, view: TodayView, day: None) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    assert view.charts_layout.direction() == QBoxLayout.Direction.TopToBottom
    view.resize(900, 600)
    qtbot.waitUntil(lambda: view.charts_layout.direction() == QBoxLayout.Direction.LeftToRight)
    qtbot.waitUntil(lambda: view.kind_chart.geometry().top() == view.outcome_chart.geometry().top())
    assert view.kind_chart.geometry().right() < view.outcome_chart.geometry().left()
    view.resize(320, 600)
    qtbot.waitUntil(lambda: view.charts_layout.direction() == QBoxLayout.Direction.TopToBottom)
    assert view.width() == 320
