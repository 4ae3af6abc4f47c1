"""Write tests/reference/public_api.json: every public name of every module of tinygrad_acts, at the checkout this
script runs in. Run once, at the last commit before the restructuring of issue 20 (6558d2a), as

    mkdir /tmp/old && git archive 6558d2a tinygrad_acts | tar -x -C /tmp/old
    cd /tmp && PYTHONPATH=/tmp/old python /path/to/checkout/tests/reference/make_public_api.py

tests/project/test_public_api.py then checks that each of these names still imports from the same path."""
import importlib
import inspect
import json
import pathlib
import pkgutil
import types

import tinygrad_acts


def public_names(module: types.ModuleType) -> list[str]:
    """The names a user may import from ``module``: not private, not a module, and, for a plain module, defined
    there (a function or class it only imports, numpy's or another module's of ours, is not its own). A package's
    __init__ gathers names on purpose: all of its classes and functions count."""
    package = hasattr(module, "__path__")
    names = []
    for name, value in vars(module).items():
        if name.startswith("_") or name == "annotations" or isinstance(value, types.ModuleType):
            continue
        home = getattr(value, "__module__", None) if (inspect.isclass(value) or callable(value)) else None
        if home is not None and not (str(home).startswith("tinygrad_acts") if package else home == module.__name__):
            continue
        names.append(name)
    return sorted(names)


modules = {"tinygrad_acts": tinygrad_acts}
for info in pkgutil.walk_packages(tinygrad_acts.__path__, "tinygrad_acts."):
    if not any(part.startswith("_") for part in info.name.split(".")):
        modules[info.name] = importlib.import_module(info.name)
api = {name: public_names(module) for name, module in sorted(modules.items())}
path = pathlib.Path(__file__).with_name("public_api.json")
path.write_text(json.dumps(api, indent=1) + "\n", encoding="utf-8")
print(f"wrote {sum(len(v) for v in api.values())} names of {len(api)} modules to {path}")
