"""Settings: my name, default region, calling hours, language, window behaviour, the softphone,
the team database."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import time

import phonenumbers
from PySide6.QtCore import QLocale, Qt, QTime, Signal
from PySide6.QtGui import QShowEvent
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
from companion.i18n import translate
from companion.integrations import autostart, dial, url_handlers
from companion.method import QT_TRANSLATE_NOOP
from companion.ui.softphone_settings import SoftphoneSettings, narrow
from companion.ui.style import ok_colour, warning_colour
from companion.ui.team_settings import TeamSettings

#: countries phonenumbers' tables name in English only (or not at all): their names for a
#: translation, used where the tables have none in the window's language
REGION_NAMES = {
    "AC": QT_TRANSLATE_NOOP("regions", "Ascension Island"),
    "AG": QT_TRANSLATE_NOOP("regions", "Antigua and Barbuda"),
    "AS": QT_TRANSLATE_NOOP("regions", "American Samoa"),
    "AX": QT_TRANSLATE_NOOP("regions", "Åland Islands"),
    "BL": QT_TRANSLATE_NOOP("regions", "Saint Barthélemy"),
    "BQ": QT_TRANSLATE_NOOP("regions", "Bonaire, Sint Eustatius and Saba"),
    "CC": QT_TRANSLATE_NOOP("regions", "Cocos (Keeling) Islands"),
    "CD": QT_TRANSLATE_NOOP("regions", "Democratic Republic of the Congo"),
    "CK": QT_TRANSLATE_NOOP("regions", "Cook Islands"),
    "CW": QT_TRANSLATE_NOOP("regions", "Curaçao"),
    "CX": QT_TRANSLATE_NOOP("regions", "Christmas Island"),
    "FK": QT_TRANSLATE_NOOP("regions", "Falkland Islands"),
    "FO": QT_TRANSLATE_NOOP("regions", "Faroe Islands"),
    "GD": QT_TRANSLATE_NOOP("regions", "Grenada"),
    "GG": QT_TRANSLATE_NOOP("regions", "Guernsey"),
    "GI": QT_TRANSLATE_NOOP("regions", "Gibraltar"),
    "GL": QT_TRANSLATE_NOOP("regions", "Greenland"),
    "GU": QT_TRANSLATE_NOOP("regions", "Guam"),
    "IM": QT_TRANSLATE_NOOP("regions", "Isle of Man"),
    "IO": QT_TRANSLATE_NOOP("regions", "British Indian Ocean Territory"),
    "JE": QT_TRANSLATE_NOOP("regions", "Jersey"),
    "KN": QT_TRANSLATE_NOOP("regions", "Saint Kitts and Nevis"),
    "KY": QT_TRANSLATE_NOOP("regions", "Cayman Islands"),
    "LC": QT_TRANSLATE_NOOP("regions", "Saint Lucia"),
    "ME": QT_TRANSLATE_NOOP("regions", "Montenegro"),
    "MF": QT_TRANSLATE_NOOP("regions", "Saint Martin"),
    "MH": QT_TRANSLATE_NOOP("regions", "Marshall Islands"),
    "MO": QT_TRANSLATE_NOOP("regions", "Macao"),
    "MP": QT_TRANSLATE_NOOP("regions", "Northern Mariana Islands"),
    "MV": QT_TRANSLATE_NOOP("regions", "Maldives"),
    "MW": QT_TRANSLATE_NOOP("regions", "Malawi"),
    "NF": QT_TRANSLATE_NOOP("regions", "Norfolk Island"),
    "NR": QT_TRANSLATE_NOOP("regions", "Nauru"),
    "PM": QT_TRANSLATE_NOOP("regions", "Saint Pierre and Miquelon"),
    "PS": QT_TRANSLATE_NOOP("regions", "Palestine"),
    "PW": QT_TRANSLATE_NOOP("regions", "Palau"),
    "RE": QT_TRANSLATE_NOOP("regions", "Réunion"),
    "RS": QT_TRANSLATE_NOOP("regions", "Serbia"),
    "SB": QT_TRANSLATE_NOOP("regions", "Solomon Islands"),
    "SH": QT_TRANSLATE_NOOP("regions", "Saint Helena"),
    "SJ": QT_TRANSLATE_NOOP("regions", "Svalbard and Jan Mayen"),
    "SM": QT_TRANSLATE_NOOP("regions", "San Marino"),
    "SS": QT_TRANSLATE_NOOP("regions", "South Sudan"),
    "ST": QT_TRANSLATE_NOOP("regions", "São Tomé and Príncipe"),
    "SX": QT_TRANSLATE_NOOP("regions", "Sint Maarten"),
    "TA": QT_TRANSLATE_NOOP("regions", "Tristan da Cunha"),
    "TC": QT_TRANSLATE_NOOP("regions", "Turks and Caicos Islands"),
    "TL": QT_TRANSLATE_NOOP("regions", "Timor-Leste"),
    "TV": QT_TRANSLATE_NOOP("regions", "Tuvalu"),
    "VC": QT_TRANSLATE_NOOP("regions", "Saint Vincent and the Grenadines"),
    "WF": QT_TRANSLATE_NOOP("regions", "Wallis and Futuna"),
    "WS": QT_TRANSLATE_NOOP("regions", "Samoa"),
    "XK": QT_TRANSLATE_NOOP("regions", "Kosovo"),
}


def region_name(code: str) -> str:
    """The country's name in the UI language, with its code: «Германия (DE)». Qt names a
    country in another language only where that language has a locale of its own (ru_BY, not
    ru_DE: Germany would come out as «Россия»), so the other names come from phonenumbers'
    tables — the ones the card's place names use, once they are loaded (the code alone until
    then: ``names_ready``) — and, where those have it in English only, ``REGION_NAMES``."""
    territory = QLocale.codeToTerritory(code)
    language = QLocale().language()
    if language == QLocale.Language.English:
        name = QLocale.territoryToString(territory) if territory != QLocale.Country.AnyCountry else ""
        return f"{name} ({code})" if name else code
    own = QLocale(language, territory)
    if (
        territory != QLocale.Country.AnyCountry
        and own.territory() == territory
        and own.language() == language
    ):
        name = own.nativeTerritoryName()
    else:
        name = _table_name(code, QLocale.languageToCode(language))
        if (not name or name == _table_name(code, "en")) and code in REGION_NAMES:
            name = translate("regions", REGION_NAMES[code])
    return f"{name} ({code})" if name else code


def names_ready() -> bool:
    """phonenumbers' country names are loaded (the window's small place tables, or the
    geocoder's own); they are never loaded here, for the window's memory and start."""
    return "phonenumbers.geodata.locale" in sys.modules


def _table_name(code: str, lang: str) -> str:
    module = sys.modules.get("phonenumbers.geodata.locale")
    names = getattr(module, "LOCALE_DATA", None)
    if names is None or code not in names:
        return ""
    name = names[code].get(lang, "")
    if name.startswith("*"):  # "*en": the same as in that language
        name = names[code].get(name[1:], "")
    return str(name)


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
        narrow(self.region)  # «Британская территория в Индийском океане (IO)» is wider than the window
        self._fill_regions()
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
        # saved by its own buttons (after a connection check), not by "Save settings"
        self.team = TeamSettings(settings)
        self.team.chosen.connect(self._team_chosen)
        layout.addWidget(self.team)
        layout.addStretch(1)
        self.load(settings)

    def _fill_regions(self) -> None:
        """The countries by name; again when their names were not loaded yet (``names_ready``)."""
        self._regions_named = names_ready()
        chosen = self.region.currentData()
        self.region.clear()
        for name, code in sorted((region_name(code), code) for code in phonenumbers.SUPPORTED_REGIONS):
            self.region.addItem(name, code)
        if chosen is not None:
            self.region.setCurrentIndex(max(self.region.findData(chosen), 0))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if not self._regions_named and names_ready():
            self._fill_regions()
        super().showEvent(event)

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
        self.team.load(settings)
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

    def _team_chosen(self, url: str) -> None:
        """Save the team database the section chose, and nothing else of this page (what is
        typed elsewhere here is saved by "Save settings")."""
        self.settings = replace(self.settings, team_database=url)
        self.settingsChanged.emit(self.settings)

    def show_problem(self, text: str) -> None:
        self._problem = True
        self._say(text, warning_colour())

    def _said(self, text: str, problem: bool) -> None:
        self._say(text, warning_colour() if problem else ok_colour())

    def _say(self, text: str, colour: str) -> None:
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)
