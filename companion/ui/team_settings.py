"""Settings → Team database: the PostgreSQL database a team shares, so that a colleague's
conversation makes your next call from that person warm.

The rep fills in what the admin sent (server, port, database, user, password), or pastes the
whole ``postgresql://`` address. **Test connection** runs ``team.check_connection`` on a pool
thread (never on the window's); **Use this team database** checks first and saves only a
database that can be used; **Stop using it** goes back to this computer's file. Either applies
when Call Companion starts again: the window keeps the database it opened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from companion import team
from companion.config import Settings
from companion.ui.style import ok_colour, warning_colour
from companion.ui.wrap_box import WrapBox

log = logging.getLogger("companion.ui")

TEST, USE = "test", "use"


class _Carrier(QObject):
    """Brings a check's result from the pool thread to the window's (a queued signal)."""

    done = Signal(object, str, str)  # Probe, the address checked, what for (TEST or USE)


class TeamSettings(QWidget):
    """Shows and edits ``Settings.team_database``; ``chosen`` asks for it to be saved."""

    #: the team database to use from now on ("" = this computer's own file), to be saved
    chosen = Signal(str)
    #: a check has finished and its result is shown (a ``team.Probe``)
    checked = Signal(object)

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        check: Callable[[str], team.Probe] = team.check_connection,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.check = check
        #: what the window opened with (as far as the settings say): a change applies on restart
        self.started_with = settings.team_database
        self.extra = ""  # the rest of a pasted address (sslmode=…), kept as it was
        self._server_before = ""
        self.busy = False
        self._carrier = _Carrier()
        self._carrier.done.connect(self._finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box = QGroupBox(self.tr("Team database"))
        inner = QVBoxLayout(box)
        intro = QLabel(
            self.tr(
                "One history for the whole team: when a colleague has already talked to a caller, "
                "your next call with them starts warm, with what was said. Fill in what your admin "
                "sent you."
            )
        )
        intro.setWordWrap(True)
        inner.addWidget(intro)
        self.now = QLabel()
        self.now.setWordWrap(True)
        self.now.setTextFormat(Qt.TextFormat.PlainText)
        self.now.setAccessibleName(self.tr("Database in use"))
        inner.addWidget(self.now)

        self.paste_button = QPushButton(self.tr("Paste an address"))
        self.paste_button.setAccessibleName(self.tr("Fill in the fields from a copied postgresql:// address"))
        self.paste_button.setToolTip(
            self.tr("Fills in the fields from an address you copied (postgresql://…)")
        )
        self.paste_button.clicked.connect(self.paste_address)
        paste_row = WrapBox()
        paste_row.add(self.paste_button)
        inner.addWidget(paste_row)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.server = QLineEdit()
        self.server.setAccessibleName(self.tr("Team database server"))
        self.server.setPlaceholderText(self.tr("Name or IP address"))
        self.server.textEdited.connect(self._server_edited)
        form.addRow(self.tr("Server"), self.server)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(team.DEFAULT_PORT)
        self.port.setAccessibleName(self.tr("Team database port"))
        self.port.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        form.addRow(self.tr("Port"), self.port)
        self.database = QLineEdit()
        self.database.setAccessibleName(self.tr("Team database name"))
        form.addRow(self.tr("Database"), self.database)
        self.user = QLineEdit()
        self.user.setAccessibleName(self.tr("Team database user name"))
        form.addRow(self.tr("User"), self.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Team database password"))
        self.password.setToolTip(
            self.tr(
                "Kept in Call Companion's settings file on this computer, which only your user "
                "account can read."
            )
        )
        form.addRow(self.tr("Password"), self.password)
        inner.addLayout(form)

        buttons = WrapBox()
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setAccessibleName(self.tr("Test the connection to the team database"))
        self.test_button.clicked.connect(self.test)
        self.use_button = QPushButton(self.tr("Use this team database"))
        self.use_button.setAccessibleName(self.tr("Use this team database"))
        self.use_button.setToolTip(self.tr("Checks the connection first; applies after a restart"))
        self.use_button.clicked.connect(self.use)
        self.stop_button = QPushButton(self.tr("Stop using it"))
        self.stop_button.setAccessibleName(self.tr("Stop using the team database"))
        self.stop_button.setToolTip(self.tr("Back to this computer's own history after a restart"))
        self.stop_button.clicked.connect(self.stop)
        for button in (self.test_button, self.use_button, self.stop_button):
            buttons.add(button)
        inner.addWidget(buttons)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAccessibleName(self.tr("Team database message"))
        inner.addWidget(self.result)
        layout.addWidget(box)
        chain = (
            self.paste_button,
            self.server,
            self.port,
            self.database,
            self.user,
            self.password,
            self.test_button,
            self.use_button,
            self.stop_button,
        )
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.load(settings)

    # --- values ---------------------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        self.settings = settings
        if settings.team_database:
            try:
                self.fill(team.TeamAddress.from_url(settings.team_database))
            except ValueError:  # a hand-edited file: paths.team_database ignores it too
                log.warning("the team database in the settings is not an address we can read")
        self._show_now()

    def address(self) -> team.TeamAddress:
        return team.TeamAddress(
            server=self.server.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            password=self.password.text(),
            extra=self.extra,
        )

    def fill(self, address: team.TeamAddress) -> None:
        self.server.setText(address.server)
        self._server_before = address.server
        self.port.setValue(address.port)
        self.database.setText(address.database)
        self.user.setText(address.user)
        self.password.setText(address.password)
        self.extra = address.extra

    # --- showing --------------------------------------------------------------------------

    def _show_now(self) -> None:
        saved = self.settings.team_database
        if saved:
            try:
                where = team.TeamAddress.from_url(saved)
                text = self.tr("Now: the team database “{name}” on {server}.").format(
                    name=where.database, server=where.server
                )
            except ValueError:
                text = self.tr("Now: the team database {address}.").format(
                    address=team.without_password(saved)
                )
        else:
            text = self.tr("Now: this computer's own history, not shared.")
        if saved != self.started_with:
            text += " " + self.tr("This applies when you restart Call Companion.")
        self.now.setText(text)
        self.stop_button.setVisible(bool(saved))

    def say(self, text: str, problem: bool | None) -> None:
        """Show ``text`` in the section: a problem (red), good news (green), or news (None)."""
        colour = "" if problem is None else warning_colour() if problem else ok_colour()
        self.result.setStyleSheet(f"color: {colour};" if colour else "")
        self.result.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.test_button, self.use_button, self.stop_button, self.paste_button):
            button.setEnabled(not busy)

    # --- acting ---------------------------------------------------------------------------

    def paste_address(self) -> None:
        text = QGuiApplication.clipboard().text().strip()
        if not text.lower().startswith(team.TEAM_SCHEMES):
            self.say(
                self.tr(
                    "The clipboard holds no postgresql:// address: copy the whole address your admin "
                    "sent, or fill in the fields."
                ),
                True,
            )
            return
        self._take_address(text)

    def _server_edited(self, text: str) -> None:
        """A whole address pasted into Server fills every field (an address typed there letter
        by letter is taken when it is tested or used: half of one would fill in nonsense)."""
        pasted = len(text) - len(self._server_before) > 1
        self._server_before = text
        if pasted and text.strip().lower().startswith(team.TEAM_SCHEMES):
            self._take_address(text.strip())

    def _take_address(self, text: str) -> None:
        try:
            address = team.TeamAddress.from_url(text)
        except ValueError as exc:
            self.say(str(exc), True)
            return
        self.fill(address)
        self.say(self.tr("Filled in from the address. Now test the connection."), False)
        self.server.setFocus()

    def _checked_url(self) -> str | None:
        """The address in the fields, or None after saying what is missing."""
        typed = self.server.text().strip()
        if typed.lower().startswith(team.TEAM_SCHEMES):
            try:
                self.fill(team.TeamAddress.from_url(typed))
            except ValueError as exc:
                self.say(str(exc), True)
                self.server.setFocus()
                return None
        address = self.address()
        if not address.server:
            self.say(self.tr("Enter the server's name or address (your admin sends it)."), True)
            self.server.setFocus()
            return None
        if not address.database:
            self.say(self.tr("Enter the database's name (your admin sends it)."), True)
            self.database.setFocus()
            return None
        url = address.url()
        if not team.is_team_url(url):
            self.say(self.tr("This address is too long to use."), True)
            return None
        return url

    def test(self) -> None:
        url = self._checked_url()
        if url is not None:
            self._start(url, TEST)

    def use(self) -> None:
        url = self._checked_url()
        if url is not None:
            self._start(url, USE)

    def stop(self) -> None:
        self.settings = replace(self.settings, team_database="")
        self.chosen.emit("")
        self._show_now()
        self.say(
            self.tr(
                "Saved. Restart Call Companion to go back to this computer's own history (tray icon → "
                "Quit, then start it again). The team's history stays on the server."
            ),
            False,
        )

    def _start(self, url: str, purpose: str) -> None:
        if self.busy:
            return
        self._set_busy(True)
        server = self.server.text().strip()
        self.say(self.tr("Connecting to {server}…").format(server=server), None)
        carrier, check = self._carrier, self.check

        def run() -> None:  # on a pool thread: no widget is touched here
            try:
                probe = check(url)
            except Exception as exc:  # check_connection never raises; anything else is shown
                log.exception("the team database check failed")
                probe = team.Probe("failed", str(exc) or type(exc).__name__)
            try:
                carrier.done.emit(probe, url, purpose)
            except RuntimeError:  # the app is quitting and took the carrier: nobody to tell
                log.info("a team database check ended after its window: %s", probe.state)

        QThreadPool.globalInstance().start(run)

    def _finished(self, probe: team.Probe, url: str, purpose: str) -> None:
        self._set_busy(False)
        if purpose == USE and probe.usable:
            self.settings = replace(self.settings, team_database=url)
            self.chosen.emit(url)
            self._show_now()
            self.say(
                probe.message
                + "\n"
                + self.tr(
                    "Saved. Restart Call Companion to switch to the team database (tray icon → Quit, "
                    "then start it again). Until then, your softphone's calls go to the team database "
                    "without a card here."
                ),
                False,
            )
        elif purpose == USE:
            self.say(self.tr("Not changed: {why}").format(why=probe.message), True)
        else:
            self.say(probe.message, not probe.usable)
        self.result.setToolTip(probe.detail)
        self.checked.emit(probe)
