"""The Callbacks view: overdue (red), today and later; Call, Done with Undo, snooze and an
inline reschedule, by button and by key. Built alone on a temp database; the ``clock`` starts
at 2026-11-25 08:00 UTC (11:00 in Moscow, 03:00 in New York) and is moved by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, QPoint, Qt
from PySide6.QtWidgets import QAbstractButton

from companion.desk import Desk
from companion.importers import ImportReport, Row
from companion.importers.apply import apply_rows
from companion.ui.callbacks_view import CallbackRow, CallbacksView, Section
from companion.ui.style import warning_colour
from tests.conftest import Clock

IVAN = "+7 499 322-46-85"  # Moscow
MICHAEL = "+1 212 555 0100"  # New York
IRINA = "+7 495 123-45-67"  # Moscow

pytestmark = pytest.mark.usefixtures("utc_here")


def promise(desk: Desk, number: str, text: str, due: datetime) -> int:
    callback = desk.log(number, "out", "callback", promise=text, callback_at=due).callback
    assert callback is not None
    return callback.id


@pytest.fixture
def people(desk: Desk) -> None:
    rows = [
        Row(line=1, name="Konstantin Konstantinopolsky-Rimsky of Vector-Industrial Holdings", phones=[IVAN]),
        Row(line=2, name="Michael Brown", phones=[MICHAEL]),
        Row(line=3, name="Ирина Соколова", phones=[IRINA]),
    ]
    apply_rows(desk, rows, ImportReport(), familiarity="none")


@pytest.fixture
def view(qtbot, desk: Desk) -> CallbacksView:  # type: ignore[no-untyped-def]
    widget = CallbacksView(desk)
    qtbot.addWidget(widget)
    widget.resize(340, 700)
    widget.show()
    return widget


@pytest.fixture
def three(desk: Desk, clock: Clock, people: None) -> dict[str, int]:
    """Due in an hour (Moscow), in seven hours (New York), in two days (Moscow)."""
    now = clock.now
    return {
        "ivan": promise(desk, IVAN, "send the price list", now + timedelta(hours=1)),
        "michael": promise(desk, MICHAEL, "after the board meeting", now + timedelta(hours=7)),
        "irina": promise(desk, IRINA, "", now + timedelta(days=2)),
    }


def row(view: CallbacksView, callback_id: int) -> CallbackRow:
    found = view.row(callback_id)
    assert found is not None
    return found


def test_no_callbacks_says_so(view: CallbacksView) -> None:
    assert view.empty.isVisible()
    assert "No callbacks" in view.empty.text()
    assert view.ordered_rows() == [] and view.due_count() == 0


def test_sections_follow_the_clock(view: CallbacksView, clock: Clock, three: dict[str, int]) -> None:
    view.refresh()
    assert [row(view, i).section for i in three.values()] == [Section.TODAY, Section.TODAY, Section.LATER]
    assert not view.headers[Section.OVERDUE].isVisible()
    assert view.due_count() == 0

    clock.advance(hours=2)  # Ivan's hour has passed
    view.refresh()
    sections = {name: row(view, i).section for name, i in three.items()}
    assert sections == {"ivan": Section.OVERDUE, "michael": Section.TODAY, "irina": Section.LATER}
    assert view.headers[Section.OVERDUE].isVisible() and "Overdue (1)" in view.headers[Section.OVERDUE].text()
    assert view.due_count() == 1
    assert view.ordered_rows()[0] is row(view, three["ivan"])  # overdue first

    clock.now = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # the day of Irina's, before its hour
    view.refresh()
    sections = {name: row(view, i).section for name, i in three.items()}
    assert sections == {"ivan": Section.OVERDUE, "michael": Section.OVERDUE, "irina": Section.TODAY}
    assert view.due_count() == 2


def test_overdue_is_red_and_marked_the_rest_is_not(
    view: CallbacksView, clock: Clock, three: dict[str, int]
) -> None:
    clock.advance(hours=2)
    view.refresh()
    red = warning_colour()
    ivan, michael = row(view, three["ivan"]), row(view, three["michael"])
    assert red in ivan.when.styleSheet() and red in ivan.name.styleSheet()
    assert ivan.name.full_text.startswith("⚠")  # not by colour alone
    assert red in view.headers[Section.OVERDUE].styleSheet()
    assert red not in michael.when.styleSheet() and not michael.name.full_text.startswith("⚠")


def test_a_row_says_who_the_number_when_here_and_there_and_the_promise(
    view: CallbacksView, clock: Clock, three: dict[str, int]
) -> None:
    view.refresh()
    michael = row(view, three["michael"])
    assert michael.name.full_text == "Michael Brown"
    assert michael.number.full_text == "+1 212-555-0100"
    assert michael.when.text() == "Due 15:00 · 10:00 their time"  # New York is five hours behind
    assert michael.promise.text() == "“after the board meeting”"
    irina = row(view, three["irina"])
    assert irina.when.text() == "Due 27.11 08:00 · 11:00 their time"
    assert not irina.promise.isVisible()

    clock.advance(hours=2)
    view.refresh()
    # overdue: what time it is there now says whether to call right away
    assert row(view, three["ivan"]).when.text() == "Overdue since 09:00 · now 13:00 their time"


def test_a_callback_for_tomorrow_says_tomorrow(
    view: CallbacksView, desk: Desk, clock: Clock, people: None
) -> None:
    callback_id = promise(desk, IRINA, "", clock.now + timedelta(days=1))
    view.refresh()
    assert row(view, callback_id).when.text().startswith("Due tomorrow 08:00")


def test_a_long_name_is_shortened_never_wider_than_the_window(
    qtbot, view: CallbacksView, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.resize(320, 640)
    view.refresh()
    qtbot.waitUntil(lambda: view.width() == 320)
    ivan = row(view, three["ivan"])
    qtbot.waitUntil(lambda: ivan.name.text().endswith("…"))
    assert ivan.name.toolTip().startswith("Konstantin Konstantinopolsky-Rimsky of Vector")
    assert view.minimumSizeHint().width() <= 320


@pytest.mark.parametrize(("width", "height"), [(320, 640), (380, 720), (1366, 768)])
def test_every_button_fits_the_window(
    qtbot, view: CallbacksView, clock: Clock, three: dict[str, int], width: int, height: int
) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=2)  # an overdue row has the most buttons
    view.refresh()
    view.resize(width, height)
    qtbot.waitUntil(lambda: view.width() == width)
    for callback_row in view.ordered_rows():
        for button in callback_row.findChildren(QAbstractButton):
            if button.isHidden():
                continue
            right = button.mapTo(view, QPoint(button.width(), 0)).x()
            assert right <= width, button.text()
            assert button.width() >= button.sizeHint().width(), button.text()
    wide = all(r.wide for r in view.ordered_rows())
    assert wide is (width >= 640)


def test_done_closes_it_and_undo_opens_it_again(
    qtbot, view: CallbacksView, desk: Desk, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(row(view, three["ivan"]).done_button, Qt.MouseButton.LeftButton)
    assert three["ivan"] not in [c.id for c in desk.callbacks()]
    assert view.row(three["ivan"]) is None
    assert view.status.text().startswith("Done: Konstantin")
    assert view.undo_button.isVisible()
    with qtbot.waitSignal(view.changed):
        qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
    assert three["ivan"] in [c.id for c in desk.callbacks()]
    assert view.row(three["ivan"]) is not None
    assert not view.undo_button.isVisible()


def test_done_by_key_and_the_next_row_takes_the_focus(
    qtbot, view: CallbacksView, desk: Desk, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    view.activateWindow()
    first, second = view.ordered_rows()[:2]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClick(first, Qt.Key.Key_D)
    assert len(desk.callbacks()) == 2
    qtbot.waitUntil(second.hasFocus)


def test_undo_is_offered_for_a_while_only(qtbot, view: CallbacksView, three: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    view.finish(three["ivan"])
    assert view.undo_timer.isActive()
    view._undo_expired()  # the timer's slot, not a wait
    assert not view.status_bar.isVisible() and view.undo_id is None


def test_snooze_puts_a_due_callback_off_from_now(
    qtbot, view: CallbacksView, desk: Desk, clock: Clock, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=1, minutes=5)  # Ivan's is due
    view.refresh()
    ivan = row(view, three["ivan"])
    assert ivan.short_button.isVisible() and ivan.long_button.isVisible()
    assert not row(view, three["michael"]).short_button.isVisible()  # not due: nothing to snooze
    qtbot.mouseClick(ivan.short_button, Qt.MouseButton.LeftButton)
    assert desk.callbacks()[0].due == clock.now + timedelta(minutes=15)
    assert row(view, three["ivan"]).section is Section.TODAY
    assert "Snoozed" in view.status.text()

    clock.advance(minutes=20)
    view.refresh()
    ivan.setFocus()
    qtbot.waitUntil(ivan.hasFocus)
    qtbot.keyClick(ivan, Qt.Key.Key_H)  # an hour, by key
    assert desk.callback(three["ivan"]).due == clock.now + timedelta(hours=1)


def test_reschedule_in_the_row_itself(
    qtbot, view: CallbacksView, desk: Desk, clock: Clock, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    michael = row(view, three["michael"])
    qtbot.mouseClick(michael.reschedule_button, Qt.MouseButton.LeftButton)
    assert michael.editor.isVisible()  # no dialog: a field in the row
    wanted = datetime(2026, 11, 26, 16, 30, tzinfo=UTC)  # 11:30 in New York
    michael.due_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(wanted.timestamp())))
    qtbot.keyClick(michael.due_edit, Qt.Key.Key_Return)
    assert desk.callback(three["michael"]).due == wanted
    assert not michael.editor.isVisible()
    assert michael.section is Section.LATER
    assert "Rescheduled: Michael Brown, due tomorrow 16:30." in view.status.text()


def test_a_time_in_their_night_is_moved_and_said_so(
    qtbot, view: CallbacksView, desk: Desk, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    ivan = row(view, three["ivan"])
    ivan.open_editor()
    night = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)  # 23:00 in Moscow
    ivan.due_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(night.timestamp())))
    qtbot.mouseClick(ivan.save_button, Qt.MouseButton.LeftButton)
    assert desk.callback(three["ivan"]).due == datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 09:00 there
    assert "outside calling hours: moved to 26.11 09:00 their time" in view.status.text()


def test_escape_closes_the_reschedule_field_and_keeps_the_time(
    qtbot, view: CallbacksView, desk: Desk, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    before = desk.callback(three["irina"]).due
    irina = row(view, three["irina"])
    irina.setFocus()
    qtbot.keyClick(irina, Qt.Key.Key_R)
    assert irina.editor.isVisible()
    qtbot.keyClick(irina.due_edit, Qt.Key.Key_Escape)
    assert not irina.editor.isVisible()
    assert desk.callback(three["irina"]).due == before


def test_a_time_already_past_is_refused_in_the_status_line(
    view: CallbacksView, clock: Clock, three: dict[str, int]
) -> None:
    view.refresh()
    view.reschedule(three["ivan"], clock.now - timedelta(hours=3))
    assert "passed" in view.status.text()
    assert warning_colour() in view.status.styleSheet()


def test_reading_again_keeps_the_rows_and_an_open_field(
    view: CallbacksView, clock: Clock, three: dict[str, int]
) -> None:
    view.refresh()
    ivan = row(view, three["ivan"])
    ivan.open_editor()
    clock.advance(hours=2)
    view.refresh()  # as the window's timer does
    assert row(view, three["ivan"]) is ivan
    assert ivan.editing() and ivan.section is Section.OVERDUE


def test_call_asks_for_the_number_by_button_and_by_enter(
    qtbot, view: CallbacksView, three: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    michael = row(view, three["michael"])
    with qtbot.waitSignal(view.callRequested) as signal:
        qtbot.mouseClick(michael.call_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["+12125550100"]
    michael.setFocus()
    with qtbot.waitSignal(view.callRequested) as signal:
        qtbot.keyClick(michael, Qt.Key.Key_Return)
    assert signal.args == ["+12125550100"]


def test_up_and_down_move_between_rows(qtbot, view: CallbacksView, three: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    view.refresh()
    view.activateWindow()
    rows = view.ordered_rows()
    rows[0].setFocus()
    qtbot.waitUntil(rows[0].hasFocus)
    qtbot.keyClick(rows[0], Qt.Key.Key_Down)
    assert rows[1].hasFocus()
    qtbot.keyClick(rows[1], Qt.Key.Key_Down)
    qtbot.keyClick(rows[2], Qt.Key.Key_Up)
    assert rows[1].hasFocus()


def test_calling_someone_who_asked_not_to_be_called_asks_first(
    qtbot, desk: Desk, view: CallbacksView, three: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from companion.store.models import Contact
    from companion.ui import dialogs

    Contact.update(do_not_call=True).where(Contact.name == "Michael Brown").execute()
    asked: list[str] = []
    answer = [False]

    def ask(_parent, _title, text, _action):  # type: ignore[no-untyped-def]
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(dialogs, "ask_confirm", ask)
    view.refresh()
    michael = row(view, three["michael"])
    calls: list[str] = []
    view.callRequested.connect(calls.append)
    qtbot.mouseClick(michael.call_button, Qt.MouseButton.LeftButton)
    assert asked == ["“Michael Brown” asked not to be called. Call anyway?"] and calls == []
    answer[0] = True
    qtbot.mouseClick(michael.call_button, Qt.MouseButton.LeftButton)
    assert calls == ["+12125550100"]


def test_calling_a_callback_on_a_shared_number_calls_the_person_it_is_owed_to(
    qtbot, desk: Desk, view: CallbacksView, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    from companion.store.models import Contact

    switchboard = "+7 495 111-22-33"
    rows = [
        Row(line=1, name="Ivan Petrov", phones=[switchboard]),
        Row(line=2, name="Maria Orlova", phones=[switchboard]),
    ]
    apply_rows(desk, rows, ImportReport(), familiarity="company")
    ivan = Contact.get(Contact.name == "Ivan Petrov").id
    maria = Contact.get(Contact.name == "Maria Orlova").id
    desk.choose_contact(switchboard, ivan)
    owed = promise(desk, switchboard, "the contract", clock.now + timedelta(hours=1))
    desk.choose_contact(switchboard, maria)  # later the number meant Maria
    view.refresh()
    calls: list[str] = []
    view.callRequested.connect(calls.append)
    qtbot.mouseClick(row(view, owed).call_button, Qt.MouseButton.LeftButton)
    assert calls == ["+74951112233"]
    card = desk.lookup(switchboard, "out")
    assert card.contact is not None and card.contact.name == "Ivan Petrov"
    assert card.callback is not None and card.callback.promise == "the contract"
