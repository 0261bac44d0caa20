"""Every model the suite defines has access rules, and every rule names a model that exists."""

import ast
import csv

from conftest import module_dirs

MODEL_BASES = {"Model", "TransientModel"}


def _defined_models(module_dir):
    """Models a module creates (``_name`` on a Model/TransientModel that is not just an ``_inherit``)."""
    found = set()
    for path in module_dir.rglob("*.py"):
        if "tests" in path.parts or "lib" in path.relative_to(module_dir).parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {getattr(b, "attr", getattr(b, "id", None)) for b in node.bases}
            if not bases & MODEL_BASES:
                continue
            attrs = {}
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target = stmt.targets[0]
                    if isinstance(target, ast.Name) and isinstance(stmt.value, ast.Constant | ast.List):
                        attrs[target.id] = ast.literal_eval(stmt.value)
            name = attrs.get("_name")
            inherit = attrs.get("_inherit") or []
            inherit = [inherit] if isinstance(inherit, str) else inherit
            if name and name not in inherit:  # _name in _inherit extends an existing model
                found.add(name)
    return found


def _access_models():
    models = set()
    for module_dir in module_dirs():
        with open(module_dir / "security" / "ir.model.access.csv", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                ref = row["model_id:id"].split(".")[-1]
                assert ref.startswith("model_"), row
                models.add(ref[len("model_") :])
    return models


def test_every_model_has_access_rules():
    covered = _access_models()
    for module_dir in module_dirs():
        for model in _defined_models(module_dir):
            assert model.replace(".", "_") in covered, f"{module_dir.name}: model {model} has no access rule"


def test_access_csv_well_formed():
    header = [
        "id",
        "name",
        "model_id:id",
        "group_id:id",
        "perm_read",
        "perm_write",
        "perm_create",
        "perm_unlink",
    ]
    for module_dir in module_dirs():
        with open(module_dir / "security" / "ir.model.access.csv", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == header, module_dir.name
        ids = [r[0] for r in rows[1:]]
        assert len(ids) == len(set(ids)), f"{module_dir.name}: duplicate access ids"
        for row in rows[1:]:
            assert len(row) == len(header), row
            assert all(v in {"0", "1"} for v in row[4:]), row
