"""Where the shared recorded fixtures live: `shared/` sits beside the repository
(in the work tree and in CI's fresh clone alike)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ADK_FIXTURES = REPO.parent / "shared" / "fixtures" / "adk"
assert ADK_FIXTURES.is_dir(), f"the recorded ADK streams are missing: {ADK_FIXTURES}"
