"""QSettings of the app. Tests (and screenshots) inject an ini file: $BUDGETTABLES_SETTINGS or a QSettings."""
from __future__ import annotations

import os

from PySide6.QtCore import QSettings

ORGANIZATION = "BudgetTables"
APPLICATION = "BudgetTables"
SETTINGS_ENV = "BUDGETTABLES_SETTINGS"
MAX_RECENT = 10


def create_settings() -> QSettings:
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def string_list(settings: QSettings, key: str) -> list:
    value = settings.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


def int_list(settings: QSettings, key: str) -> list:
    try:
        return [int(v) for v in string_list(settings, key)]
    except ValueError:
        return []


def recent_files(settings: QSettings) -> list:
    return string_list(settings, "recent_files")


def add_recent_file(settings: QSettings, path: str) -> list:
    files = [path] + [p for p in recent_files(settings) if p != path]
    files = files[:MAX_RECENT]
    settings.setValue("recent_files", files)
    return files


def remove_recent_file(settings: QSettings, path: str) -> list:
    files = [p for p in recent_files(settings) if p != path]
    settings.setValue("recent_files", files)
    return files
