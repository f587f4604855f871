"""The README and the documentation name only what exists: files and links, rules, config keys
and library modules. A renamed rule, a moved file or a dropped key fails here, not in a
reader's hands."""

import importlib
import re
from pathlib import Path

import pytest
import yaml
from workflow_utils import workflow_rules

REPO = Path(__file__).resolve().parents[1]
DOCS = [
    REPO / "README.md",
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "config" / "README.md",
    REPO / "profiles" / "README.md",
]
#: Top-level entries of the repository a path in the docs can start with.
TOP = ("workflow/", "tools/", "tests/", "config/", "envs/", "profiles/", "docs/", ".ci/")
#: Rule names: every `rule NAME:` of the workflow.
RULES = workflow_rules()
SCHEMA = yaml.safe_load((REPO / "workflow/schemas/config.schema.yaml").read_text())
LIBRARY = "\n".join(
    path.read_text()
    for path in [*(REPO / "workflow" / "scripts").rglob("*.py"), *(REPO / "tools").glob("*.py")]
)


def code_spans(path: Path) -> list[str]:
    return re.findall(r"`([^`\n]+)`", path.read_text())


def is_module(dotted: str) -> bool:
    """Whether ``sepconv.<dotted>`` is a library module (the README's map names them so)."""
    try:
        importlib.import_module(f"sepconv.{dotted}")
    except ModuleNotFoundError:
        return False
    return True


def config_key_exists(dotted: str) -> bool:
    node = SCHEMA
    for part in dotted.split("."):
        properties = node.get("properties", {})
        if part in properties:
            node = properties[part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]  # a name chosen by the user (a model, a genre)
        else:
            return False
    return True


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_named_files_and_links_exist(doc):
    missing = []
    for span in code_spans(doc):
        for word in span.split():
            word = word.strip(",;:()")
            if word.startswith(TOP) and not re.search(r"[{}*<>]|\.\.\.", word):
                if not (REPO / word.rstrip("/")).exists():
                    missing.append(word)
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
        if not target.startswith("http") and not (doc.parent / target).exists():
            missing.append(target)
    assert not missing, f"{doc.name} names files that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_named_library_modules_and_functions_exist(doc):
    missing = []
    for span in code_spans(doc):
        match = re.match(r"^(sepconv(?:\.\w+)+)", span)
        if not match:
            continue
        parts = match.group(1).split(".")
        for cut in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            try:
                for attribute in parts[cut:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                missing.append(match.group(1))
            break
        else:
            missing.append(match.group(1))
    assert not missing, f"{doc.name} names library objects that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_named_config_keys_and_rules_exist(doc):
    top_keys = set(SCHEMA["properties"])
    verbs = {rule.split("_")[0] + "_" for rule in RULES if "_" in rule}
    wrong = []
    for span in code_spans(doc):
        # a dotted config key, `spleeter.blocks`, `segment.per_song`
        if re.fullmatch(r"[a-z_]+(\.[a-z_0-9-]+)+", span) and span.split(".")[0] in top_keys:
            if span.endswith((".smk", ".py", ".yaml", ".md", ".tsv")) or is_module(span):
                continue
            if not config_key_exists(span):
                wrong.append(span)
        # a rule-like name, `train_model`, `separate_spleeter`: a rule, a config key or a name
        # the library or the tools define
        elif re.fullmatch(r"[a-z]+_[a-z0-9_]+", span) and span.startswith(tuple(verbs)):
            if span not in RULES and not re.search(rf"\b{span}\b", LIBRARY):
                wrong.append(span)
    assert not wrong, f"{doc.name} names config keys or rules that do not exist: {wrong}"


def test_the_readme_is_a_first_page():
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 250
    assert "uv run snakemake --cores all" in text and "uv run pytest" in text
    lines = text.splitlines()
    assert any("## Where things are" in line for line in lines[:150])


def test_the_code_map_names_real_rules_scripts_and_modules():
    text = (REPO / "README.md").read_text()
    table = text.split("## Where things are")[1].split("\n\n")[2]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert len(rows) >= 5
    for _, rules, scripts, modules in rows:
        names = re.findall(r"`([^`]+)`", rules)
        assert all(name.endswith(".smk") or name in RULES for name in names), names
        for script in re.findall(r"`([^`*]+\.py)`", scripts):
            assert (REPO / "workflow" / "scripts" / script).is_file(), script
        for module in re.findall(r"`([^`]+)`", modules):
            assert is_module(module), module
