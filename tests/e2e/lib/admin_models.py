"""Checks Admin API JSON against Redpanda's response models, read from its swagger files beside
the checkout (../shared/redpanda-admin-api): every field the response has is one the model
declares, with the declared type (nested models and arrays included), and the fields a test
names (or the model requires) are present."""
import json
import os

SWAGGER_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                                            "shared", "redpanda-admin-api"))
# The files whose models the Admin API tests use; a model's first definition wins (debug.json
# and others reuse names such as "partition" for other shapes).
SWAGGER_FILES = ("broker.json", "cluster.json", "partition.json", "features.json",
                 "cluster_config.json", "config.def.json")


def _load_models():
    models = {}
    for name in SWAGGER_FILES:
        text = open(os.path.join(SWAGGER_DIR, name)).read()
        # The *.def.json files hold bare model entries, without the enclosing braces.
        doc = json.loads(text) if not name.endswith(".def.json") else \
            {"models": json.loads("{" + text + "}")}
        for model, spec in doc.get("models", {}).items():
            models.setdefault(model, spec)
    return models


_MODELS = _load_models()

_SCALARS = {
    "long": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
}


def _check_value(value, type_name, items, where):
    if type_name in _SCALARS:
        assert _SCALARS[type_name](value), f"{where}: {value!r} is not a {type_name}"
    elif type_name == "array":
        assert isinstance(value, list), f"{where}: {value!r} is not an array"
        for i, item in enumerate(value):
            _check_value(item, items, None, f"{where}[{i}]")
    else:
        check_model(value, type_name, where=where)


def check_model(obj, model, required=(), where=None):
    """Raises AssertionError naming the first field that breaks `model`."""
    where = where or model
    spec = _MODELS[model]
    assert isinstance(obj, dict), f"{where}: {obj!r} is not an object"
    for name in list(required) + spec.get("required", []):
        assert name in obj, f"{where}: no field {name!r} in {sorted(obj)}"
    for name, value in obj.items():
        assert name in spec["properties"], f"{where}: field {name!r} is not in model {model}"
        prop = spec["properties"][name]
        items = prop.get("items")
        if isinstance(items, dict):
            items = items.get("type") or items.get("$ref")
        _check_value(value, prop["type"], items, f"{where}.{name}")


def self_test():
    """The checker can fail: wrong types, unknown and missing fields are caught."""
    good = {"name": "kafka", "level": "info", "expiration": 0}
    check_model(good, "get_log_level_response")
    for bad in ({**good, "expiration": "0"}, {**good, "extra": 1},
                {"name": "kafka", "level": "info"}, {**good, "expiration": True}):
        try:
            check_model(bad, "get_log_level_response")
        except AssertionError:
            continue
        raise AssertionError(f"checker accepted {bad}")
