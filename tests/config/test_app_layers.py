"""Apps depend one way (README, "Where things are"): each app imports only the apps below it.

Bottom to top: places; petition's models; signatures; the feature apps (lawmakers,
delivery, updates); petition's rendering (views, pages, admin), which may use them
all. A lower app shows a higher one's part only through a template tag.
"""

import ast
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parents[2]
APPS = ["places", "petition", "signatures", "lawmakers", "delivery", "updates"]


def petition_models_layer() -> set[str]:
    """petition.models and the petition modules it is built from (markdown, milestones, ...)."""
    return {"petition.models"} | {
        module
        for module in imported_modules(BASE / "petition" / "models.py")
        if module.startswith("petition.") and module.count(".") == 1
    }


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # `from petition import views` imports petition.views.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


MODELS = petition_models_layer()
# What each app may import of the others (a dotted name: that module only).
ALLOWED = {
    "places": set(),
    "signatures": {"places", *MODELS},
    "lawmakers": {"places", *MODELS, "signatures"},
    "delivery": {"places", *MODELS, "signatures", "lawmakers"},
    "updates": {"places", *MODELS, "signatures", "lawmakers"},
}


def breaks_the_rule(module: str, allowed: set[str], own: str) -> bool:
    app = module.partition(".")[0]
    if app not in APPS or app == own:
        return False
    if app in allowed:
        return False
    # petition.models (and what lies under it) only, never petition itself or its views.
    return not any(module == name or module.startswith(f"{name}.") for name in allowed if "." in name)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    folder = BASE / app
    wrong = []
    for path in sorted(folder.rglob("*.py")):
        for module in imported_modules(path):
            if module in ("petition",):  # `from petition import models` yields petition.models too
                continue
            if breaks_the_rule(module, ALLOWED[app], app):
                wrong.append(f"{path.relative_to(BASE)} imports {module}")
    assert not wrong, "\n".join(wrong)


def test_the_rule_catches_a_view_import():
    assert breaks_the_rule("petition.views", ALLOWED["signatures"], "signatures")
    assert breaks_the_rule("lawmakers.panel", ALLOWED["signatures"], "signatures")
    assert not breaks_the_rule("petition.models", ALLOWED["signatures"], "signatures")
    assert not breaks_the_rule("places.zips", ALLOWED["signatures"], "signatures")
