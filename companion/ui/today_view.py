"""Today: the rep's day at a glance — calls by kind, by outcome, and how many of the calls
that reached someone became a deal. Reps look rather than read, so the counts are painted
bars; every bar also carries its label and number (never colour alone), and each chart
tells a screen reader the same numbers in its accessible description.

Narrow (a side-docked window) stacks the two charts; a wide window puts them side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QDate, QLocale, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from companion.desk import BadInput
from companion.i18n import translate
from companion.journal import KINDS, DayStats, Journal
from companion.method import KIND_TITLES, OUTCOME_NAMES, OUTCOMES, Direction, Outcome, kind_temperature
from companion.ui.style import OK_COLOUR, TEMPERATURE_COLOURS

#: at least this wide, the two charts sit side by side
WIDE = 640

#: outcome bars darken towards a deal: not reached, reached, consent to talk on (prospect), deal
NOT_REACHED_COLOUR = "#a6acaf"
REACHED_COLOUR = "#5d6d7e"
PROSPECT_COLOUR = "#58b37a"
NOT_LOGGED_COLOUR = "#85929e"


def outcome_colour(outcome: Outcome) -> str:
    if outcome is Outcome.DEAL:
        return OK_COLOUR
    if outcome.status is not None:
        return PROSPECT_COLOUR
    return REACHED_COLOUR if outcome.connected else NOT_REACHED_COLOUR


@dataclass(frozen=True, slots=True)
class Bar:
    """One painted bar: what it says, how many, and its fill."""

    label: str
    value: int
    colour: str
    #: drawn as a hatched outline: something still open (calls without an outcome)
    hatched: bool = False


@dataclass(frozen=True, slots=True)
class BarGeometry:
    """Where a bar is painted: its text line, the full-width track and the filled part."""

    bar: Bar
    text: QRectF
    track: QRectF
    fill: QRectF


class BarChart(QWidget):
    """Horizontal bars, each under a line with its label (left) and number (right).

    The longest bar fills the width; the others are in proportion, and a bar of zero is an
    empty track with a dimmed label.
    """

    BAR_HEIGHT = 9
    GAP = 4
    ROW_SPACING = 9
    MIN_FILL = 3.0

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[Bar] = []
        self.setAccessibleName(name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = list(bars)
        self.setAccessibleDescription("; ".join(f"{bar.label}: {bar.value}" for bar in self.bars))
        self.updateGeometry()
        self.update()

    def row_height(self) -> int:
        return self.fontMetrics().height() + self.GAP + self.BAR_HEIGHT + self.ROW_SPACING

    def sizeHint(self) -> QSize:
        return QSize(240, max(self.row_height() * len(self.bars) - self.ROW_SPACING, 0))

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.sizeHint().height())

    def geometry_of_bars(self, width: int | None = None) -> list[BarGeometry]:
        """The rectangles ``paintEvent`` fills, for ``width`` (the widget's own by default)."""
        width = self.width() if width is None else width
        line = self.fontMetrics().height()
        most = max((bar.value for bar in self.bars), default=0)
        result = []
        top = 0.0
        for bar in self.bars:
            text = QRectF(0, top, width, line)
            track = QRectF(0, top + line + self.GAP, width, self.BAR_HEIGHT)
            share = bar.value / most if most else 0.0
            fill_width = max(track.width() * share, self.MIN_FILL) if bar.value else 0.0
            fill = QRectF(track.left(), track.top(), fill_width, track.height())
            result.append(BarGeometry(bar, text, track, fill))
            top += self.row_height()
        return result

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        track_colour = QColor(text_colour)
        track_colour.setAlphaF(0.08)
        bold = QFont(self.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        metrics = self.fontMetrics()
        radius = self.BAR_HEIGHT / 2
        for shape in self.geometry_of_bars():
            bar = shape.bar
            number = str(bar.value)
            room = int(shape.text.width()) - bold_metrics.horizontalAdvance(number) - 8
            label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, max(room, 0))
            painter.setPen(text_colour if bar.value else muted)
            painter.setFont(self.font())
            painter.drawText(shape.text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
            painter.setFont(bold)
            painter.drawText(shape.text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, number)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track_colour)
            painter.drawRoundedRect(shape.track, radius, radius)
            if bar.value and bar.hatched:
                colour = QColor(bar.colour)
                painter.setPen(QPen(colour, 1))
                painter.setBrush(QBrush(colour, Qt.BrushStyle.BDiagPattern))
                painter.drawRoundedRect(shape.fill.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
            elif bar.value:
                painter.setBrush(QColor(bar.colour))
                painter.drawRoundedRect(shape.fill, radius, radius)
        painter.end()


class TodayView(QWidget):
    def __init__(self, journal: Journal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.stats: DayStats | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setAccessibleName(self.tr("Today's calls"))
        outer.addWidget(self.scroll)
        page = QWidget()
        self.scroll.setWidget(page)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(10)

        top = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setAccessibleName(self.tr("Day"))
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.heading.setWordWrap(True)
        top.addWidget(self.heading, 1)
        self.team = QCheckBox(self.tr("Whole team"))
        self.team.setAccessibleName(self.tr("Count the whole team's calls, not only mine"))
        self.team.toggled.connect(self._team_toggled)
        top.addWidget(self.team, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        self.empty = QLabel(self.tr("No calls yet today"))
        self.empty.setAccessibleName(self.tr("No calls yet today"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        empty_font = QFont(self.empty.font())
        empty_font.setPointSizeF(empty_font.pointSizeF() * 1.3)
        self.empty.setFont(empty_font)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty.setMinimumHeight(120)
        layout.addWidget(self.empty)

        self.summary = QWidget()
        summary = QVBoxLayout(self.summary)
        summary.setContentsMargins(0, 0, 0, 0)
        summary.setSpacing(2)
        figure_row = QHBoxLayout()
        figure_row.setSpacing(12)
        self.conversion = QLabel()
        self.conversion.setAccessibleName(self.tr("Conversion from connected call to deal"))
        big = QFont(self.conversion.font())
        big.setPointSizeF(big.pointSizeF() * 2.6)
        big.setBold(True)
        self.conversion.setFont(big)
        figure_row.addWidget(self.conversion, 0, Qt.AlignmentFlag.AlignVCenter)
        self.conversion_caption = QLabel(self.tr("of connected calls\nbecame a deal"))
        caption_font = QFont(self.conversion_caption.font())
        caption_font.setBold(True)
        self.conversion_caption.setFont(caption_font)
        figure_row.addWidget(self.conversion_caption, 1, Qt.AlignmentFlag.AlignVCenter)
        summary.addLayout(figure_row)
        self.funnel = QLabel()
        self.funnel.setWordWrap(True)
        self.funnel.setAccessibleName(self.tr("Calls, connected calls and deals"))
        summary.addWidget(self.funnel)
        self.directions = QLabel()
        self.directions.setWordWrap(True)
        self.directions.setAccessibleName(self.tr("Incoming and outgoing calls"))
        summary.addWidget(self.directions)
        layout.addWidget(self.summary)

        self.charts = QWidget()
        self.charts_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        self.charts_layout.setSpacing(16)
        self.kind_chart = BarChart(self.tr("Calls by kind"))
        self.outcome_chart = BarChart(self.tr("Calls by outcome"))
        for title, chart in (
            (self.tr("By kind"), self.kind_chart),
            (self.tr("By outcome"), self.outcome_chart),
        ):
            box = QVBoxLayout()
            box.setSpacing(6)
            label = QLabel(title)
            label.setFont(caption_font)
            box.addWidget(label)
            box.addWidget(chart)
            box.addStretch(1)
            self.charts_layout.addLayout(box, 1)
        layout.addSpacing(4)
        layout.addWidget(self.charts)
        layout.addStretch(1)

        self.refresh()

    def refresh(self) -> None:
        """Count the day again (a logged call, a new day, the team switch)."""
        try:
            stats = self.journal.today(team=self.team.isChecked())
        except BadInput as exc:  # the team database is away: said in the heading
            self.heading.setText(str(exc))
            return
        self.stats = stats
        day = QLocale().toString(QDate(stats.day), QLocale.FormatType.LongFormat)
        whose = self.tr("the whole team") if stats.rep is None else stats.rep
        self.heading.setText(self.tr("Today, {day} · {whose}").format(day=day, whose=whose))
        has_calls = stats.total > 0
        self.empty.setVisible(not has_calls)
        self.summary.setVisible(has_calls)
        self.charts.setVisible(has_calls)
        self.kind_chart.set_bars(self.kind_bars(stats))
        self.outcome_chart.set_bars(self.outcome_bars(stats))
        self.conversion.setText(self.conversion_text(stats))
        self.funnel.setText(
            self.tr("Calls {calls} → connected {connected} → deals {deals}").format(
                calls=stats.total, connected=stats.connected, deals=stats.deals
            )
        )
        self.directions.setText(
            self.tr("← {incoming} incoming · → {outgoing} outgoing").format(
                incoming=stats.by_direction.get(Direction.IN, 0),
                outgoing=stats.by_direction.get(Direction.OUT, 0),
            )
        )

    def _team_toggled(self, _on: bool) -> None:
        self.refresh()

    def conversion_text(self, stats: DayStats) -> str:
        if not stats.connected:
            return "—"
        return self.tr("{percent}%").format(percent=round(stats.conversion * 100))

    def kind_bars(self, stats: DayStats) -> list[Bar]:
        return [
            Bar(
                translate("method", KIND_TITLES[kind]),
                stats.by_kind.get(kind, 0),
                TEMPERATURE_COLOURS[kind_temperature(kind)][0],
            )
            for kind in KINDS
        ]

    def outcome_bars(self, stats: DayStats) -> list[Bar]:
        bars = [
            Bar(
                translate("method", OUTCOME_NAMES[outcome]),
                stats.by_outcome.get(outcome, 0),
                outcome_colour(outcome),
            )
            for outcome in OUTCOMES
        ]
        bars.append(Bar(self.tr("Not logged yet"), stats.unlogged, NOT_LOGGED_COLOUR, hatched=True))
        return bars

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= WIDE
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.charts_layout.direction() != direction:
            self.charts_layout.setDirection(direction)
