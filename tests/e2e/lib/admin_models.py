"""Checks Admin API JSON against Redpanda's response models (redpanda_admin_models.json, the
field names and types of its swagger): every field the response has is one the model declares,
with the declared type (nested models and arrays included), and the fields a test names (or the
model requires) are present."""
import json
import os

_MODELS = json.load(open(os.path.join(os.path.dirname(__file__),
                                      "redpanda_admin_models.json")))["models"]

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
        _check_value(value, prop["type"], prop.get("items"), f"{where}.{name}")


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
