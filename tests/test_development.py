"""docs/development.md's lists of what an addition touches stay true: every file it names
exists, and what follows from those files (the rules, the report, the captions) follows."""

import re

import numpy as np
import pandas as pd
import pytest
import yaml
from workflow_utils import REPO

from sepconv.names import FIGURES, REPORT_SECTIONS, SELECTIONS, report_category
from sepconv.resources import COSTS

GUIDE = (REPO / "docs" / "development.md").read_text()


def listed(kind: str) -> list[str]:
    """The files the guide lists for one kind of addition (its paragraph starting with
    ``**kind``), in the order given."""
    section = GUIDE.split("## Adding a thing", 1)[1].split("\n## ", 1)[0]
    block = section.split(f"**{kind}", 1)[1].split("\n**", 1)[0]
    return re.findall(r"^- `([^`]+)`(?:, `([^`]+)`)?(?: and `([^`]+)`)?", block, re.M)


def paths(kind: str) -> list[str]:
    return [path for row in listed(kind) for path in row if path]


KINDS = (
    "A separator that works on the segments",
    "A learned separator",
    "A figure",
    "A statistic",
)


@pytest.mark.parametrize("kind", KINDS)
def test_every_file_a_list_names_exists(kind):
    files = paths(kind)
    assert files, kind
    missing = [path for path in files if not (REPO / path).exists()]
    assert missing == []


def test_a_figure_is_its_name_its_drawing_and_its_caption():
    """Every figure of FIGURES: a caption, a branch of plots.figure that draws it from the
    tables the figures step reads, a report section; the rules' outputs follow from
    FIGURES alone."""
    assert paths("A figure") == [
        "workflow/scripts/sepconv/names.py",
        "workflow/scripts/sepconv/evaluation/plots.py",
        "workflow/report/f1.rst",
    ]
    import matplotlib

    matplotlib.use("Agg")
    from sepconv.evaluation import plots, stats

    rng = np.random.default_rng(0)
    rows = []
    for selection in SELECTIONS:
        for model, separator in (("base", "hpss"), ("stems", "hpss")):
            for seed in range(1, 6):
                score = rng.uniform(0.3, 0.7)
                rows.append(
                    {
                        "separator": separator,
                        "model": model,
                        "seed": seed,
                        "selection": selection,
                        "epoch": 3,
                        "accuracy": score,
                        "f1_macro": score,
                        "test_loss": 1.0,
                        "n_train": 40,
                        "n_test": 10,
                        "params": 100,
                    }
                )
    metrics = pd.DataFrame(rows)
    significance = stats.significance(metrics, "base", {"rope": 0.01, "power": 0.8, "alpha": 0.05})
    genres = pd.DataFrame(
        [
            {"selection": s, "separator": "hpss", "model": "stems", "baseline": "base"}
            | {"baseline_separator": "hpss", "genre": g, "mean_diff": 0.1}
            for s in SELECTIONS
            for g in ("x", "y")
        ]
    )
    confusion = [[5, 1], [2, 4]]
    matrices = {
        selection: {"hpss/base": {"genres": ["x", "y"], "matrix": confusion}}
        for selection in SELECTIONS
    }
    for name, title in FIGURES.items():
        assert (REPO / "workflow" / "report" / f"{name}.rst").is_file(), name
        assert title in REPORT_SECTIONS and report_category(title).endswith(title[1:])
        try:
            figure = plots.figure(
                name, metrics, significance, matrices, genres, "base", "last_epoch"
            )
        except (KeyError, TypeError, ValueError) as err:
            pytest.fail(f"plots.figure cannot draw {name}: {err}")
        assert figure is not None
    with pytest.raises(ValueError, match="no figure 'nothing'"):
        plots.figure("nothing", metrics, significance, matrices, genres, "base", "last_epoch")


def test_every_statistic_is_explained_in_its_caption():
    from sepconv.evaluation import stats

    rows = [
        {
            "separator": "hpss",
            "model": model,
            "seed": seed,
            "selection": selection,
            "epoch": 1,
            "accuracy": 0.5 + 0.01 * seed + (0.05 if model == "stems" else 0),
            "f1_macro": 0.5 + 0.02 * seed + (0.05 if model == "stems" else 0),
            "test_loss": 1.0,
            "n_train": 40,
            "n_test": 10,
            "params": 100,
        }
        for selection in SELECTIONS
        for model in ("base", "stems")
        for seed in range(1, 6)
    ]
    table = stats.significance(
        pd.DataFrame(rows), "base", {"rope": 0.01, "power": 0.8, "alpha": 0.05}
    )
    caption = (REPO / "workflow" / "report" / "significance.rst").read_text()
    identity = {"selection", "metric", "separator", "model", "baseline", "baseline_separator"}
    statistics = [column for column in table.columns if column not in identity]
    unexplained = [
        column
        for column in statistics
        if f"``{column}``" not in caption
        and not (column.endswith("_holm") and "``*_holm``" in caption)
    ]
    assert unexplained == []


def test_every_separator_has_its_module_its_rule_and_its_cost():
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
    choices = schema["properties"]["separators"]["items"]["anyOf"][0]["enum"]
    rules = "\n".join(path.read_text() for path in (REPO / "workflow" / "rules").glob("*.smk"))
    from sepconv.plan import LEARNED

    for separator in [*choices, "ladder"]:
        module = REPO / "workflow" / "scripts" / "sepconv" / "separators" / f"{separator}.py"
        assert module.is_file(), separator
        assert f"separate_{separator}" in COSTS, separator
        step = REPO / "workflow" / "scripts" / f"separate_{separator}.py"
        assert step.is_file(), separator
        if separator in LEARNED:
            assert "for separator in LEARNED:" in rules
        else:
            assert f"rule separate_{separator}:" in rules, separator
