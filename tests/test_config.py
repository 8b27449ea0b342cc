"""Settings: defaults < TOML file < environment < flags; private files are 0600."""

import stat

import pytest

from tui.config import ConfigError, load_settings, write_private


def test_environment_beats_file_and_flags_beat_environment(tmp_path):
    (tmp_path / "config.toml").write_text(
        'api_url = "http://file.example/"\nlanguage = "zh"\n[keymap]\nexport = "f6"\n'
    )
    env = {"NEMO_CONFIG_DIR": str(tmp_path), "NEMO_API_URL": "http://env.example/", "NEMO_TOKEN": "nmv_secret"}
    s = load_settings(env)
    assert s.api_url == "http://env.example"
    assert s.language == "zh"
    assert s.keymap == {"export": "f6"}
    assert s.token == "nmv_secret"
    assert "nmv_secret" not in repr(s)
    assert load_settings(env, api_url="http://flag.example").api_url == "http://flag.example"


def test_dirs_follow_overrides(tmp_path):
    env = {
        "NEMO_CONFIG_DIR": str(tmp_path / "c"),
        "NEMO_DATA_DIR": str(tmp_path / "d"),
        "NEMO_DOWNLOAD_DIR": str(tmp_path / "dl"),
    }
    s = load_settings(env)
    assert s.client_id_file == tmp_path / "c" / "client_id"
    assert s.data_dir == tmp_path / "d"
    assert s.download_dir == tmp_path / "dl"


def test_broken_toml_is_a_clear_error(tmp_path):
    (tmp_path / "config.toml").write_text("api_url = [unclosed")
    with pytest.raises(ConfigError, match="config.toml"):
        load_settings({"NEMO_CONFIG_DIR": str(tmp_path)})


def test_write_private_is_0600(tmp_path):
    target = tmp_path / "sub" / "token.json"
    write_private(target, "{}")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == "{}"


def test_download_concurrency_from_file_and_environment(tmp_path):
    assert load_settings({"NEMO_CONFIG_DIR": str(tmp_path)}).download_concurrency == 2
    (tmp_path / "config.toml").write_text("download_concurrency = 3\n")
    assert load_settings({"NEMO_CONFIG_DIR": str(tmp_path)}).download_concurrency == 3
    env = {"NEMO_CONFIG_DIR": str(tmp_path), "NEMO_DOWNLOAD_CONCURRENCY": "50"}
    assert load_settings(env).download_concurrency == 8  # at most 8
    (tmp_path / "config.toml").write_text('download_concurrency = "many"\n')
    with pytest.raises(ConfigError, match="download_concurrency"):
        load_settings({"NEMO_CONFIG_DIR": str(tmp_path)})
