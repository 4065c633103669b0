"""User settings (annotator name, recent projects, model), stored as TOML in the config dir."""

from __future__ import annotations

import getpass
import json
import os
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "news-annotator"
SETTINGS_VERSION = 1


def config_dir() -> Path:
    override = os.environ.get("NEWS_ANNOTATOR_CONFIG_DIR")
    return Path(override) if override else Path(user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    override = os.environ.get("NEWS_ANNOTATOR_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


@dataclass
class Settings:
    schema_version: int = SETTINGS_VERSION
    annotator: str = ""
    model: str = ""
    font_size: int = 0  # 0: the system default
    theme: str = "system"  # system, light, dark
    recent_projects: list[str] = field(default_factory=list)

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "settings.toml"

    @classmethod
    def load(cls) -> Settings:
        path = cls.path()
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            return cls(**known)
        except TypeError:
            return cls()

    def save(self) -> None:
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = []
        for key, value in asdict(self).items():
            # JSON strings, ints and lists of strings are valid TOML values.
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", "utf-8")
        tmp.replace(path)

    def add_recent(self, project: str, keep: int = 10) -> None:
        items = [p for p in self.recent_projects if p != project]
        self.recent_projects = [project, *items][:keep]


def current_user() -> str:
    """The annotator name: $NEWS_ANNOTATOR_USER, the saved setting, else the login name."""
    env = os.environ.get("NEWS_ANNOTATOR_USER")
    if env:
        return env
    saved = Settings.load().annotator
    if saved:
        return saved
    try:
        return getpass.getuser() or "annotator"
    except (KeyError, OSError):
        return "annotator"
