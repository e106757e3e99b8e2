"""One typed settings object over QSettings.

Preferences (what the user chose) live apart from the state cache (window geometry,
splitters, recent files, last project), so clearing one never loses the other. Tests and
benchmarks point the whole thing at a temporary folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ENV_CONFIG_DIR = "MIGRATION_PLANNER_CONFIG_DIR"
MAX_RECENT = 8


@dataclass
class Preferences:
    """What the user chose; every field has a safe default."""

    autosave_seconds: int = 60  # 0 disables autosave
    default_mode: str = "cheapest"
    time_limit_seconds: float = 120.0  # 0 = no limit
    page_size: str = "A4"
    open_report_after_export: bool = True


def default_folder() -> Path:
    """Config folder: $MIGRATION_PLANNER_CONFIG_DIR, else Qt's per-user config location."""
    env = os.environ.get(ENV_CONFIG_DIR)
    if env:
        return Path(env)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config") / "migration-planner"


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


class AppSettings:
    """Preferences, state cache and the recovery-file location, all under one folder."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else default_folder()
        self.folder.mkdir(parents=True, exist_ok=True)
        fmt = QSettings.Format.IniFormat
        self._prefs = QSettings(str(self.folder / "preferences.ini"), fmt)
        self._state = QSettings(str(self.folder / "state.ini"), fmt)

    @property
    def recovery_path(self) -> Path:
        """Where autosave writes; present at start means the last session did not close."""
        return self.folder / "recovery.mplan"

    # --- preferences -------------------------------------------------------------
    def preferences(self) -> Preferences:
        prefs = Preferences()
        for f in fields(Preferences):
            raw = self._prefs.value(f.name)
            if raw is None:
                continue
            default = getattr(prefs, f.name)
            try:
                value: object
                if isinstance(default, bool):
                    value = _as_bool(raw)
                elif isinstance(default, int):
                    value = int(str(raw))
                elif isinstance(default, float):
                    value = float(str(raw))
                else:
                    value = str(raw)
            except ValueError:  # a hand-edited file: keep the default
                continue
            setattr(prefs, f.name, value)
        return prefs

    def save_preferences(self, prefs: Preferences) -> None:
        for f in fields(Preferences):
            self._prefs.setValue(f.name, getattr(prefs, f.name))
        self._prefs.sync()

    # --- state cache -------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        raw = self._state.value("recent_files", [])
        items: list[object] = [raw] if isinstance(raw, str) else (
            list(raw) if isinstance(raw, list | tuple) else [])
        return [Path(str(p)) for p in items if str(p)]

    def add_recent(self, path: Path) -> None:
        path = path.resolve()
        items = [p for p in self.recent_files() if p != path]
        items.insert(0, path)
        self._state.setValue("recent_files", [str(p) for p in items[:MAX_RECENT]])
        self._state.sync()

    def remove_recent(self, path: Path) -> None:
        items = [p for p in self.recent_files() if p != path]
        self._state.setValue("recent_files", [str(p) for p in items])
        self._state.sync()

    def last_project(self) -> Path | None:
        raw = self._state.value("last_project")
        return Path(str(raw)) if raw else None

    def set_last_project(self, path: Path | None) -> None:
        self._state.setValue("last_project", str(path) if path else "")
        self._state.sync()

    def blob(self, key: str) -> QByteArray | None:
        """Saved geometry / window state / splitter state, or None."""
        raw = self._state.value(key)
        return raw if isinstance(raw, QByteArray) and not raw.isEmpty() else None

    def set_blob(self, key: str, value: QByteArray) -> None:
        self._state.setValue(key, value)

    def sync(self) -> None:
        self._state.sync()
        self._prefs.sync()
