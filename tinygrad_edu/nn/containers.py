"""ModuleList and ModuleDict: a list (named '0', '1', …) or a dict (named by its keys) of modules
whose parameters are found, as in PyTorch."""
from __future__ import annotations

from .module import Module


class ModuleList(Module):
    """Holds sub-modules in a list; has no forward of its own (iterate over it in yours)."""

    def __init__(self, modules=()):
        self.modules_list = []
        self.extend(modules)

    def _members(self):
        yield from ((str(i), m) for i, m in enumerate(self.modules_list))
        yield from ((k, v) for k, v in vars(self).items() if k != "modules_list")  # a subclass's own

    def _member_prefix(self, attribute: str) -> str:
        return "" if attribute == "modules_list" else attribute

    @staticmethod
    def _checked(module, where: str) -> Module:
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList: {where} is a {type(module).__name__}, not a Module")
        return module

    def append(self, module: Module) -> ModuleList:
        self.modules_list.append(self._checked(module, f"item {len(self.modules_list)}"))
        return self

    def extend(self, modules) -> ModuleList:
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        self.modules_list.insert(index, self._checked(module, f"the item inserted at {index}"))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return ModuleList(self.modules_list[index])
        return self.modules_list[index]

    def __setitem__(self, index: int, module: Module) -> None:
        self.modules_list[index] = self._checked(module, f"item {index}")

    def __delitem__(self, index) -> None:
        del self.modules_list[index]

    def __len__(self) -> int:
        return len(self.modules_list)

    def __iter__(self):
        return iter(self.modules_list)

    def __iadd__(self, modules) -> ModuleList:
        return self.extend(modules)


class ModuleDict(Module):
    """Holds sub-modules by name (insertion order kept); no forward of its own."""

    def __init__(self, modules=None):
        self.modules_dict = {}
        if modules is not None:
            self.update(modules)

    def _members(self):
        yield from self.modules_dict.items()
        yield from ((k, v) for k, v in vars(self).items() if k != "modules_dict")  # a subclass's own

    def _member_prefix(self, attribute: str) -> str:
        return "" if attribute == "modules_dict" else attribute

    def __setitem__(self, key: str, module: Module) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict: keys are strings, got {type(key).__name__}")
        if not isinstance(module, Module):
            raise TypeError(f"ModuleDict: '{key}' is a {type(module).__name__}, not a Module")
        self.modules_dict[key] = module

    def update(self, modules) -> None:
        for key, module in (modules.items() if hasattr(modules, "items") else modules):
            self[key] = module

    def __getitem__(self, key: str) -> Module:
        return self.modules_dict[key]

    def __delitem__(self, key: str) -> None:
        del self.modules_dict[key]

    def pop(self, key: str) -> Module:
        return self.modules_dict.pop(key)

    def __contains__(self, key) -> bool:
        return key in self.modules_dict

    def __len__(self) -> int:
        return len(self.modules_dict)

    def __iter__(self):
        return iter(self.modules_dict)

    def keys(self):
        return self.modules_dict.keys()

    def values(self):
        return self.modules_dict.values()

    def items(self):
        return self.modules_dict.items()
