"""Where the recorded fixtures live: inside the repository (tests/fixtures/), copied from the
project's shared recordings so that a fresh clone with nothing beside it runs every test."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ADK_FIXTURES = REPO / "tests" / "fixtures" / "adk"
assert ADK_FIXTURES.is_dir(), f"the recorded ADK streams are missing: {ADK_FIXTURES}"
