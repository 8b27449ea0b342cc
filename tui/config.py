"""Settings and paths.

Precedence, highest first: explicit overrides (command-line flags) > environment (NEMO_*) >
the TOML file in the config dir (``config.toml``) > defaults.

Paths come from platformdirs; ``NEMO_CONFIG_DIR`` / ``NEMO_DATA_DIR`` override them so tests
never touch $HOME. No Textual here, and nothing heavy: ``nemo-tui --version`` imports this.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# The file-type and size rules and the attribution header live in the wire contract; they are
# re-exported here for the modules that still import them from tui.config.
from tui.contract import ACCEPTED_EXTENSIONS as ACCEPTED_EXTENSIONS
from tui.contract import AUDIO_EXTENSIONS as AUDIO_EXTENSIONS
from tui.contract import IMAGE_EXTENSIONS as IMAGE_EXTENSIONS
from tui.contract import MAX_UPLOAD_BYTES as MAX_UPLOAD_BYTES
from tui.contract import SKILL_SOURCE as SKILL_SOURCE
from tui.contract import VIDEO_EXTENSIONS as VIDEO_EXTENSIONS

DEFAULT_API_URL = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL = "https://nemovideo.com"
CONFIG_FILE_NAME = "config.toml"
MAX_DOWNLOAD_CONCURRENCY = 8
PICTURE_MODES = ("auto", "kitty", "sixel", "halfcell", "off")


class ConfigError(Exception):
    """The config file cannot be read; the message says which file and why."""


def default_config_dir() -> Path:
    from platformdirs import user_config_path

    # The API documents ~/.config/nemovideo/client_id, so the config dir is "nemovideo".
    return user_config_path("nemovideo", appauthor=False)


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("nemo-tui", appauthor=False)


def default_download_dir() -> Path:
    return Path.home() / "Downloads" / "nemo-tui"


@dataclass(frozen=True)
class Settings:
    api_url: str = DEFAULT_API_URL
    web_url: str = DEFAULT_WEB_URL
    token: str | None = field(default=None, repr=False)  # a secret: never printed
    client_id: str | None = None
    config_dir: Path = field(default_factory=default_config_dir)
    data_dir: Path = field(default_factory=default_data_dir)
    download_dir: Path = field(default_factory=default_download_dir)
    language: str = "en"
    platform: str = "unknown"  # X-Skill-Platform: clawhub / cursor / unknown
    theme: str | None = None
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> keys
    # the local engine's limits and access settings (README, "Security notes"): the [engine]
    # table, names as tui.engine.options.EngineOptions (max_json_bytes = 1048576, ...)
    engine: Mapping[str, Any] = field(default_factory=dict)
    # download jobs running at once (a playlist's entries wait their turn): 1-8, default 2;
    # file key download_concurrency, env NEMO_DOWNLOAD_CONCURRENCY
    download_concurrency: int = 2
    # how pictures are drawn (timeline thumbnails, the export storyboard): "auto" picks from
    # the terminal's environment without asking the terminal anything (never delays the first
    # paint); "kitty", "sixel", "halfcell" force a protocol; "off" draws bars only. NEMO_PICTURES.
    pictures: str = "auto"

    @property
    def config_file(self) -> Path:
        return self.config_dir / CONFIG_FILE_NAME

    @property
    def client_id_file(self) -> Path:
        return self.config_dir / "client_id"

    @property
    def token_cache_file(self) -> Path:
        return self.config_dir / "token.json"

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with the given fields replaced; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read the settings file {path}: {exc}") from exc


def load_settings(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings from defaults, the TOML file, the environment and ``overrides``."""
    env = os.environ if env is None else env

    def env_path(name: str) -> Path | None:
        value = env.get(name)
        return Path(value).expanduser() if value else None

    config_dir = overrides.pop("config_dir", None) or env_path("NEMO_CONFIG_DIR") or default_config_dir()
    file = _read_toml(Path(config_dir) / CONFIG_FILE_NAME)

    values: dict[str, Any] = {"config_dir": Path(config_dir)}
    for key in ("api_url", "web_url", "client_id", "language", "platform", "theme", "pictures"):
        if isinstance(file.get(key), str) and file[key]:
            values[key] = file[key]
    for key in ("data_dir", "download_dir"):
        if isinstance(file.get(key), str) and file[key]:
            values[key] = Path(file[key]).expanduser()
    if isinstance(file.get("keymap"), dict):
        values["keymap"] = {str(k): str(v) for k, v in file["keymap"].items()}
    if isinstance(file.get("engine"), dict):
        values["engine"] = {str(k): v for k, v in file["engine"].items() if isinstance(v, (int, float, str, list))}

    concurrency = env.get("NEMO_DOWNLOAD_CONCURRENCY") or file.get("download_concurrency")
    if concurrency is not None:
        try:
            values["download_concurrency"] = max(1, min(MAX_DOWNLOAD_CONCURRENCY, int(concurrency)))
        except (TypeError, ValueError):
            raise ConfigError(
                f"download_concurrency must be a whole number from 1 to {MAX_DOWNLOAD_CONCURRENCY}, not {concurrency!r}."
            ) from None

    env_map = {
        "NEMO_API_URL": "api_url",
        "NEMO_WEB_URL": "web_url",
        "NEMO_TOKEN": "token",
        "NEMO_CLIENT_ID": "client_id",
        "NEMO_LANGUAGE": "language",
        "NEMO_PLATFORM": "platform",
        "NEMO_PICTURES": "pictures",
    }
    for name, key in env_map.items():
        if env.get(name):
            values[key] = env[name].strip()
    for name, key in (("NEMO_DATA_DIR", "data_dir"), ("NEMO_DOWNLOAD_DIR", "download_dir")):
        path = env_path(name)
        if path:
            values[key] = path

    if str(values.get("pictures", "auto")).lower() not in PICTURE_MODES:
        values["pictures"] = "auto"  # an unknown mode is not an error: pictures as detected
    values["pictures"] = str(values.get("pictures", "auto")).lower()
    for key in ("api_url", "web_url"):
        if key in values:
            values[key] = values[key].rstrip("/")
    return Settings(**values).with_overrides(**overrides)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (mode 0600), creating its folder.

    The file is created with 0600 from the start (no window where it is world-readable)
    and replaced atomically.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def private_sqlite_file(path: Path) -> None:
    """Make a SQLite database file private (0600), safely while SQLite may have it open.

    A new file is created 0600 (``O_EXCL``: only when it does not exist, so nobody has it open);
    SQLite gives its -wal and -shm files the database's mode. An existing file and its -wal/-shm
    are only ``chmod``-ed by path, never opened: POSIX locks belong to the process and closing
    ANY descriptor of the file drops them all, after which another process thinks it is the
    last user, checkpoints and deletes the live WAL, and this process's writes are lost
    (issue 13, finding 1).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            os.chmod(p, 0o600)
        except OSError:
            pass
