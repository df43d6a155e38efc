"""Settings → Softphone: the exact hook lines for this install, the local web address for
softphones that open a URL, what dials after a phone link, and the clipboard watch."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from companion.config import Settings
from companion.integrations import dial, softphones
from companion.integrations.http_hook import DEFAULT_PORT, new_token

SOFTPHONES = ("microsip", "linphone", "jitsi", "url", "generic")


class SoftphoneSettings(QWidget):
    """Shows and edits the softphone part of ``Settings``; ``current()`` gives it back."""

    #: a message for the rep after an action here (text, is it a problem)
    said = Signal(str, bool)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.argv = softphones.launcher_argv()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        hooks = QGroupBox(self.tr("Softphone"))
        hooks_layout = QVBoxLayout(hooks)
        intro = QLabel(
            self.tr("Your softphone tells Call Companion about each call. Choose it for the exact setup:")
        )
        intro.setWordWrap(True)
        hooks_layout.addWidget(intro)
        self.softphone = QComboBox()
        self.softphone.setAccessibleName(self.tr("Your softphone"))
        names = {
            "microsip": "MicroSIP",
            "linphone": "Linphone",
            "jitsi": "Jitsi",
            "url": self.tr("Opens a web address (3CX, Zoiper…)"),
            "generic": self.tr("Another softphone that runs a program"),
        }
        for key in SOFTPHONES:
            self.softphone.addItem(names[key], key)
        self.softphone.currentIndexChanged.connect(self._show_setup)
        narrow(self.softphone)
        hooks_layout.addWidget(self.softphone)
        self.steps = QLabel()
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.PlainText)
        self.steps.setAccessibleName(self.tr("Setup steps"))
        hooks_layout.addWidget(self.steps)
        self.lines = QPlainTextEdit()
        self.lines.setReadOnly(True)
        self.lines.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.lines.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.lines.setAccessibleName(self.tr("What to paste into the softphone"))
        self.lines.setMaximumHeight(130)
        hooks_layout.addWidget(self.lines)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy the softphone setup"))
        self.copy_button.clicked.connect(self.copy_lines)
        self.setup_button = QPushButton(self.tr("Set up MicroSIP"))
        self.setup_button.setAccessibleName(self.tr("Set up MicroSIP for me"))
        self.setup_button.setToolTip(
            self.tr("Writes these lines into MicroSIP's settings (quit MicroSIP first)")
        )
        self.setup_button.clicked.connect(self.set_up_microsip)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.setup_button)
        buttons.addStretch(1)
        hooks_layout.addLayout(buttons)

        self.http = QCheckBox(self.tr("Local web address"))
        self.http.setAccessibleName(self.tr("Local web address for softphones that open a URL"))
        self.http.toggled.connect(self._show_setup)
        hooks_layout.addWidget(self.http)
        about = QLabel(
            self.tr(
                "For softphones that open a URL on a call. Only this computer can reach it, and only "
                "with the secret key in the address."
            )
        )
        about.setWordWrap(True)
        hooks_layout.addWidget(about)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setAccessibleName(self.tr("Port of the local web address"))
        self.port.valueChanged.connect(self._show_setup)
        port_row = QHBoxLayout()
        port_row.addWidget(QLabel(self.tr("Port")))
        port_row.addWidget(self.port)
        port_row.addStretch(1)
        hooks_layout.addLayout(port_row)
        layout.addWidget(hooks)

        links = QGroupBox(self.tr("Phone links"))
        form = QFormLayout(links)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.handoff = QComboBox()
        self.handoff.setAccessibleName(self.tr("After a phone link's card, dial with"))
        self.handoff.addItem(self.tr("Nothing: show the card only"), "none")
        self.handoff.addItem("MicroSIP", "microsip")
        self.handoff.addItem("Linphone", "linphone")
        self.handoff.addItem(self.tr("My own command"), "custom")
        self.handoff.currentIndexChanged.connect(self._show_handoff)
        narrow(self.handoff)
        form.addRow(self.tr("Then dial with"), self.handoff)
        self.program = QLineEdit()
        self.program.setAccessibleName(self.tr("Softphone program file"))
        self.program.setPlaceholderText(self.tr("Found on this computer"))
        form.addRow(self.tr("Program"), self.program)
        self.template = QLineEdit()
        self.template.setAccessibleName(self.tr("Command that dials"))
        self.template.setPlaceholderText('"C:\\Apps\\Phone\\phone.exe" --dial {number}')
        form.addRow(self.tr("Command"), self.template)
        self.clipboard = QCheckBox(self.tr("Card for a number I copy"))
        self.clipboard.setAccessibleName(self.tr("Show the card of a phone number I copy"))
        self.clipboard.setToolTip(self.tr("A phone number copied in any program shows its card here"))
        form.addRow(self.clipboard)
        layout.addWidget(links)
        self.load(settings)

    # --- values ---------------------------------------------------------------------------

    def load(self, settings: Settings) -> None:
        self.settings = settings
        for widget in (self.http, self.port):
            widget.blockSignals(True)
        self.http.setChecked(settings.http_hook)
        self.token = settings.http_token
        self.port.setValue(settings.http_port or DEFAULT_PORT)
        for widget in (self.http, self.port):
            widget.blockSignals(False)
        self.handoff.setCurrentIndex(max(self.handoff.findData(settings.dial_handoff), 0))
        self.program.setText(settings.dial_program)
        self.template.setText(settings.dial_template)
        self.clipboard.setChecked(settings.clipboard_watch)
        self._show_setup()
        self._show_handoff()

    def current(self, settings: Settings) -> Settings:
        """``settings`` with this page's values (a token is made when the address is turned on)."""
        return replace(
            settings,
            http_hook=self.http.isChecked(),
            http_port=0 if self.port.value() == DEFAULT_PORT else self.port.value(),
            http_token=self.token,
            dial_handoff=str(self.handoff.currentData()),
            dial_program=self.program.text().strip(),
            dial_template=self.template.text().strip(),
            clipboard_watch=self.clipboard.isChecked(),
        )

    # --- showing --------------------------------------------------------------------------

    def kind(self) -> str:
        return str(self.softphone.currentData())

    def setup_text(self) -> str:
        """What to paste for the chosen softphone, for this install."""
        kind = self.kind()
        try:
            if kind == "microsip":
                return "\n".join(softphones.microsip_lines(self.argv))
            if kind == "linphone":
                return "command_line=" + softphones.linphone_setting(self.argv)
            if kind == "jitsi":
                return softphones.jitsi_command(self.argv)
            if kind == "url":
                return "\n".join(
                    softphones.hook_url(event, port=self.port.value(), token=self.token, number="NUMBER")
                    for event in softphones.HOOK_EVENTS
                )
            return "\n".join(
                softphones.hook_command(self.argv, event, "NUMBER") for event in softphones.HOOK_EVENTS
            )
        except softphones.SoftphoneSetupError as exc:
            return str(exc)

    def _show_setup(self, *_args: object) -> None:
        if self.http.isChecked() and not self.token:
            self.token = new_token()  # the address shown is the one that will work
        kind = self.kind()
        self.steps.setText("\n".join(f"{i}. {text}" for i, text in enumerate(softphones.steps(kind), 1)))
        text = self.setup_text()
        if kind == "url" and not self.http.isChecked():
            text = self.tr("Turn on the local web address below first.") + "\n" + text
        self.lines.setPlainText(text)
        self.setup_button.setVisible(kind == "microsip")

    def _show_handoff(self, *_args: object) -> None:
        mode = str(self.handoff.currentData())
        self.program.setEnabled(mode in ("microsip", "linphone"))
        self.template.setEnabled(mode == "custom")
        if mode in ("microsip", "linphone"):
            found = dial.find_program(mode)
            self.program.setPlaceholderText(found or self.tr("Not found: type the program's path"))

    # --- acting ---------------------------------------------------------------------------

    def copy_lines(self) -> None:
        QGuiApplication.clipboard().setText(self.lines.toPlainText())
        self.said.emit(self.tr("Copied. Paste it into the softphone's settings."), False)

    def set_up_microsip(self) -> None:
        ini = softphones.find_microsip_ini()
        if ini is None:
            self.said.emit(self.tr("MicroSIP's settings file was not found on this computer."), True)
            return
        try:
            backup = softphones.configure_microsip(ini, self.argv, running=softphones.microsip_running)
        except softphones.SoftphoneSetupError as exc:
            self.said.emit(str(exc), True)
            return
        self.said.emit(
            self.tr(
                "MicroSIP is set up (its old settings are in {backup}). Start it and make a test call."
            ).format(backup=backup),
            False,
        )


def narrow(combo: QComboBox) -> None:
    """A combo box that fits a side-docked window: its longest item is elided, not forced."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(10)
