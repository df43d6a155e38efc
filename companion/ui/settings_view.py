"""Settings: my name, default region, calling hours, language, window behaviour."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import phonenumbers
from PySide6.QtCore import QLocale, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from companion.config import Settings
from companion.integrations import autostart, dial, url_handlers
from companion.ui.softphone_settings import SoftphoneSettings
from companion.ui.style import ok_colour, warning_colour


def region_name(code: str) -> str:
    """The country's name in the UI language, with its code: «Германия (DE)»."""
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyCountry:
        return code
    name = QLocale(QLocale().language(), territory).nativeTerritoryName()
    if not name or QLocale().language() == QLocale.Language.English:
        name = QLocale.territoryToString(territory)
    return f"{name} ({code})"


class SettingsView(QWidget):
    settingsChanged = Signal(object)  # Settings

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._problem = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)

        self.rep = QLineEdit()
        self.rep.setAccessibleName(self.tr("My name as the rep"))
        form.addRow(self.tr("My name"), self.rep)

        self.region = QComboBox()
        self.region.setAccessibleName(self.tr("Default region for numbers without a country code"))
        self.region.setEditable(False)
        for code in sorted(phonenumbers.SUPPORTED_REGIONS, key=region_name):
            self.region.addItem(region_name(code), code)
        form.addRow(self.tr("Default region"), self.region)

        hours = QWidget()
        hours_row = QHBoxLayout(hours)
        hours_row.setContentsMargins(0, 0, 0, 0)
        self.start = QTimeEdit()
        self.start.setDisplayFormat("HH:mm")
        self.start.setAccessibleName(self.tr("Calling hours start"))
        self.end = QTimeEdit()
        self.end.setDisplayFormat("HH:mm")
        self.end.setAccessibleName(self.tr("Calling hours end"))
        hours_row.addWidget(self.start)
        hours_row.addWidget(QLabel("–"))
        hours_row.addWidget(self.end)
        hours_row.addStretch(1)
        form.addRow(self.tr("Calling hours (their time)"), hours)

        self.delay = QSpinBox()
        self.delay.setRange(1, 24 * 60)
        self.delay.setSuffix(self.tr(" min"))
        self.delay.setAccessibleName(self.tr("Default callback delay in minutes"))
        form.addRow(self.tr("Call back after"), self.delay)

        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("Language"))
        self.language.addItem(self.tr("As the system"), "")
        self.language.addItem("English", "en")
        self.language.addItem("Русский", "ru")
        form.addRow(self.tr("Language"), self.language)

        self.on_top_calls = QCheckBox(self.tr("Keep the window on top during a call"))
        self.on_top_calls.setAccessibleName(self.on_top_calls.text())
        self.pinned = QCheckBox(self.tr("Always keep the window on top"))
        self.pinned.setAccessibleName(self.pinned.text())
        self.autostart = QCheckBox(self.tr("Start when I log in"))
        self.autostart.setAccessibleName(self.autostart.text())
        self.phone_links = QCheckBox(self.tr("Open phone links here"))
        self.phone_links.setAccessibleName(self.tr("Use Call Companion for phone links"))
        links_hint = QLabel(
            self.tr(
                "tel:, callto: and sip: links: a number clicked in a browser, an e-mail or a CRM "
                "shows its card here (for you only)."
            )
        )
        links_hint.setWordWrap(True)
        links_hint.setIndent(22)
        self.phone_links.setAccessibleDescription(links_hint.text())
        for box in (self.on_top_calls, self.pinned, self.autostart, self.phone_links):
            layout.addWidget(box)
        layout.addWidget(links_hint)
        # Windows 10/11 let only the person pick the default app: this opens the page for it
        self.os_settings = QPushButton(self.tr("Open Default apps…"))
        self.os_settings.setAccessibleName(self.tr("Open the Windows settings for default apps"))
        self.os_settings.clicked.connect(url_handlers.open_os_settings)
        self.os_settings.hide()
        os_row = QHBoxLayout()
        os_row.addWidget(self.os_settings)
        os_row.addStretch(1)
        layout.addLayout(os_row)

        self.softphone = SoftphoneSettings(settings)
        self.softphone.said.connect(self._said)
        layout.addWidget(self.softphone)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save settings"))
        self.save_button.setAccessibleName(self.tr("Save settings"))
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Settings message"))
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.load(settings)

    def load(self, settings: Settings) -> None:
        self.settings = settings
        resolved = settings.resolved()
        self.rep.setText(resolved.rep)
        index = self.region.findData(resolved.region)
        self.region.setCurrentIndex(max(index, 0))
        start, end = resolved.hours
        self.start.setTime(QTime(start.hour, start.minute))
        self.end.setTime(QTime(end.hour, end.minute))
        self.delay.setValue(settings.callback_delay_minutes)
        self.language.setCurrentIndex(max(self.language.findData(settings.lang), 0))
        self.on_top_calls.setChecked(settings.on_top_during_calls)
        self.pinned.setChecked(settings.pinned)
        self.softphone.load(settings)
        try:
            self.autostart.setChecked(autostart.is_enabled())
        except OSError:
            self.autostart.setEnabled(False)
        try:
            self.phone_links.setChecked(url_handlers.is_registered())
        except OSError:
            self.phone_links.setEnabled(False)

    def current(self) -> Settings:
        def hhmm(value: QTime) -> str:
            return time(value.hour(), value.minute()).strftime("%H:%M")

        return replace(
            self.softphone.current(self.settings),
            rep=self.rep.text().strip(),
            region=str(self.region.currentData()),
            calling_start=hhmm(self.start.time()),
            calling_end=hhmm(self.end.time()),
            callback_delay_minutes=self.delay.value(),
            lang=str(self.language.currentData()),
            on_top_during_calls=self.on_top_calls.isChecked(),
            pinned=self.pinned.isChecked(),
        )

    def save(self) -> None:
        new = self.current()
        if not new.rep:
            self._say(self.tr("Enter your name: it marks your calls for the team."), warning_colour())
            self.rep.setFocus()
            return
        try:  # a dial hand-off that cannot work is said now, not at the first phone link
            dial.dial_argv(
                new.dial_handoff, "+10000000000", program=new.dial_program, template=new.dial_template
            )
        except dial.DialError as exc:
            self._say(str(exc), warning_colour())
            return
        try:
            if self.autostart.isEnabled() and self.autostart.isChecked() != autostart.is_enabled():
                autostart.set_enabled(self.autostart.isChecked())
        except OSError as exc:
            self._say(
                self.tr("Could not change start-up: {why}").format(why=exc.strerror or exc), warning_colour()
            )
            return
        try:
            links_note = self._apply_phone_links()
        except OSError as exc:
            self._say(str(exc), warning_colour())
            return
        language_changed = new.lang != self.settings.lang
        self.settings = new
        self._problem = False
        self.settingsChanged.emit(new)
        if self._problem:  # saved, but something it turned on did not start: that is the news
            return
        text = self.tr("Saved.")
        if language_changed:
            text += " " + self.tr("The new language applies when you restart Call Companion.")
        if links_note:
            self._say(text + " " + links_note, warning_colour())
            return
        self._say(text, ok_colour())

    def _apply_phone_links(self) -> str | None:
        """Register or unregister the app for phone links as the box says; the OS's further
        step for the person, if it wants one (Windows with another app chosen)."""
        self.os_settings.hide()
        if not self.phone_links.isEnabled():
            return None
        wanted = self.phone_links.isChecked()
        if wanted == url_handlers.is_registered():
            return None
        if not wanted:
            url_handlers.unregister()
            return None
        note = url_handlers.register()
        if note:
            self.os_settings.show()
        return note

    def show_problem(self, text: str) -> None:
        self._problem = True
        self._say(text, warning_colour())

    def _said(self, text: str, problem: bool) -> None:
        self._say(text, warning_colour() if problem else ok_colour())

    def _say(self, text: str, colour: str) -> None:
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)
