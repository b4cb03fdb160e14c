"""``save`` and ``load``: state dicts and checkpoints in a NumPy archive, never pickle.

A file is an ordinary ``.npz`` archive (``numpy.savez``): one ``.npy`` entry per array and one
entry, ``__konspekt__``, holding a JSON description of the saved object — the nesting of dicts,
lists and tuples, the keys in their order, the numbers and strings, and for each tensor its
array entry, dtype, shape, and whether it was a ``Parameter`` or required grad. Loading reads
that description and the arrays with ``allow_pickle=False``: a file can hold data only, so
opening one never runs code, whatever its origin.

A file is written to a temporary file beside the target, flushed to disk, and renamed over the
target (``os.replace`` is atomic): a crash while saving leaves the previous checkpoint intact,
never a half-written one.
"""

import json
import os
import secrets
import zipfile
from collections import OrderedDict

import numpy as np

from .autograd import dtype as _dtypes
from .autograd.tensor import Tensor
from .nn.parameter import Parameter

__all__ = ["load", "save"]

_HEADER = "__konspekt__"
_FORMAT = "konspekt"
_VERSION = 1
# Dictionary keys that JSON can carry back with their type (optimizer states use int keys).
_KEY_TYPES = (str, int, float, bool, type(None))


def save(obj, f):
    """Write ``obj`` — a state dict, or nested dicts / lists / tuples of tensors — to ``f``.

    Parameters
    ----------
    obj : object
        Built of dict (``OrderedDict`` stays ordered and comes back as one), list, tuple,
        ``Tensor`` / ``Parameter``, NumPy array or scalar, int, float, bool, str, None and
        ``konspekt`` dtypes, e.g. ``{'model': model.state_dict(), 'epoch': 3}``. Dictionary keys
        are str, int, float, bool or None. A tensor saved twice (tied weights) is stored once
        and comes back as one tensor.
    f : str, os.PathLike or binary file object
        A path is written atomically (temporary file, fsync, rename); no extension is added.

    Raises
    ------
    TypeError
        For an object of another type, naming the type and where it sits, e.g.
        ``obj['model']['fc.weight']``.

    Examples
    --------
    >>> import io, konspekt as kp
    >>> buffer = io.BytesIO()
    >>> kp.save({'w': kp.ones(2), 'epoch': 3}, buffer)
    >>> _ = buffer.seek(0)
    >>> kp.load(buffer)['epoch']
    3
    """
    arrays = {}
    header = {"format": _FORMAT, "version": _VERSION,
              "root": _Encoder(arrays).encode(obj, "obj")}
    arrays[_HEADER] = np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        _write_atomically(os.fspath(f), arrays)
    else:
        np.savez(f, **arrays)


def load(f, map_location=None, weights_only=True):
    """Read an object written by ``save``.

    Parameters
    ----------
    f : str, os.PathLike or binary file object
    map_location : None or 'cpu'
        Accepted as torch accepts it; konspekt tensors live on the CPU only.
    weights_only : bool, default True
        Accepted for torch's signature and not consulted: a konspekt file holds data only, so
        every value loads the same, and none runs code.

    Returns
    -------
    object
        The saved structure: dicts (``OrderedDict`` where one was saved), lists, tuples,
        ``Tensor`` and ``Parameter`` with their dtype and ``requires_grad``, arrays, numbers,
        strings.

    Raises
    ------
    ValueError
        When ``f`` is not a file written by ``konspekt.save``, or is damaged.
    """
    if map_location is not None and str(map_location) != "cpu":
        raise RuntimeError(f"konspekt runs on the CPU only; got map_location={map_location!r}")
    name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "<file>")
    try:
        archive = np.load(f, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise ValueError(f"{name!s} is not a konspekt file (expected a NumPy .npz archive "
                         f"written by konspekt.save): {error}") from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"{name!s} is not a konspekt file: it holds a single NumPy array, not "
                         "the .npz archive that konspekt.save writes")
    with archive:
        if _HEADER not in archive.files:
            raise ValueError(f"{name!s} is not a konspekt file: a NumPy archive without the "
                             f"'{_HEADER}' entry that konspekt.save writes")
        try:
            header = json.loads(archive[_HEADER].tobytes().decode("utf-8"))
        except ValueError as error:  # also UnicodeDecodeError
            raise ValueError(f"{name!s}: the '{_HEADER}' entry is damaged: {error}") from error
        if not isinstance(header, dict) or header.get("format") != _FORMAT:
            raise ValueError(f"{name!s} is not a konspekt file: unknown header")
        if header.get("version") != _VERSION:
            raise ValueError(f"{name!s} was written in konspekt file format version "
                             f"{header.get('version')}; this konspekt reads version {_VERSION}")
        decoder = _Decoder(archive, name)
        try:
            return decoder.decode(header.get("root"))
        except _DamagedFile:
            raise
        except (KeyError, TypeError, ValueError) as error:
            raise decoder._damaged(f"{type(error).__name__}: {error}") from error


def _write_atomically(path, arrays):
    """savez into a temporary file in the target's folder, fsync, then rename over ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    temporary, handle = _create_beside(folder, os.path.basename(path))
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    # The rename itself is durable only once the folder's entry is on disk; some systems
    # (Windows) cannot open a folder, and then the rename is all there is.
    try:
        folder_handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder_handle)
    except OSError:
        pass
    finally:
        os.close(folder_handle)


def _create_beside(folder, name):
    """A new hidden file in ``folder``: (path, descriptor). Unlike ``tempfile.mkstemp`` (mode
    0600) it gets the permissions of any new file under the umask, which the checkpoint keeps
    after the rename."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        candidate = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return candidate, os.open(candidate, flags, 0o666)
        except FileExistsError:
            continue


def _memory_key(array):
    """Arrays over the same memory with the same layout (a parameter and its detached views in
    a state dict) are one array: stored once, shared again after loading."""
    return (array.__array_interface__["data"][0], array.shape, array.strides, array.dtype.str)


class _Encoder:
    """Turns the object into JSON-able nodes, putting each array in ``arrays`` under a name."""

    def __init__(self, arrays):
        self.arrays = arrays
        self.array_names = {}
        self.tensor_ids = {}
        # Keep what was encoded alive, so that memory addresses and ids stay unique.
        self.alive = []

    def encode(self, obj, path):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, (int, float)):
            # bool was handled above; JSON carries int and float apart ("3" vs "3.0").
            return {"type": "int", "value": int(obj)} if isinstance(obj, int) else \
                {"type": "float", "value": float(obj)}
        if isinstance(obj, Tensor):
            return self._tensor(obj, path)
        if isinstance(obj, np.ndarray):
            return {"type": "ndarray", "array": self._array(obj, path)}
        if isinstance(obj, np.generic):
            return {"type": "numpy_scalar", "array": self._array(np.asarray(obj), path)}
        if isinstance(obj, _dtypes.dtype):
            return {"type": "dtype", "name": obj.name}
        if isinstance(obj, dict):
            items = []
            for key, value in obj.items():
                if not isinstance(key, _KEY_TYPES):
                    raise TypeError(f"konspekt.save: dictionary key {key!r} of type "
                                    f"{type(key).__name__} at {path} is not supported "
                                    "(str, int, float, bool or None)")
                items.append([self.encode(key, path), self.encode(value, f"{path}[{key!r}]")])
            return {"type": "OrderedDict" if isinstance(obj, OrderedDict) else "dict",
                    "items": items}
        if isinstance(obj, (list, tuple)):
            return {"type": "list" if isinstance(obj, list) else "tuple",
                    "items": [self.encode(v, f"{path}[{i}]") for i, v in enumerate(obj)]}
        hint = " (convert it to a NumPy array, e.g. with .numpy())" if hasattr(obj, "numpy") else ""
        raise TypeError(f"konspekt.save cannot store an object of type "
                        f"{type(obj).__module__}.{type(obj).__qualname__} at {path}{hint}; "
                        "supported: dict, list, tuple, Tensor, Parameter, NumPy array or scalar, "
                        "int, float, bool, str, None, konspekt dtype")

    def _array(self, array, path):
        if array.dtype.hasobject:
            raise TypeError(f"konspekt.save cannot store a NumPy array of dtype object at {path}: "
                            "loading it would need pickle")
        key = _memory_key(array)
        if key not in self.array_names:
            self.array_names[key] = f"a{len(self.array_names)}"
            self.arrays[self.array_names[key]] = array
            self.alive.append(array)
        return self.array_names[key]

    def _tensor(self, tensor, path):
        if id(tensor) not in self.tensor_ids:
            self.tensor_ids[id(tensor)] = len(self.tensor_ids)
            self.alive.append(tensor)
        return {"type": "tensor", "array": self._array(tensor.data, path),
                "id": self.tensor_ids[id(tensor)], "dtype": tensor.dtype.name,
                "shape": list(tensor.shape), "parameter": isinstance(tensor, Parameter),
                "requires_grad": tensor.requires_grad}


class _DamagedFile(ValueError):
    """A konspekt header that does not describe the archive's contents."""


class _Decoder:
    """Rebuilds the object from the JSON nodes and the archive's arrays."""

    def __init__(self, archive, name):
        self.archive = archive
        self.name = name
        self.arrays = {}
        self.tensors = {}

    def _damaged(self, what):
        return _DamagedFile(f"{self.name!s} is damaged or not written by konspekt.save: {what}")

    def decode(self, node):
        if node is None or isinstance(node, (bool, str)):
            return node
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "int":
                return int(node["value"])
            if kind == "float":
                return float(node["value"])
            if kind == "tensor":
                return self._tensor(node)
            if kind == "ndarray":
                return self._array(node["array"])
            if kind == "numpy_scalar":
                return self._array(node["array"])[()]
            if kind == "dtype":
                return _dtypes._by_name(node["name"])
            if kind in ("dict", "OrderedDict"):
                pairs = ((self.decode(k), self.decode(v)) for k, v in node["items"])
                return OrderedDict(pairs) if kind == "OrderedDict" else dict(pairs)
            if kind in ("list", "tuple"):
                items = [self.decode(v) for v in node["items"]]
                return items if kind == "list" else tuple(items)
        raise self._damaged(f"unknown entry {str(node)[:80]}")

    def _array(self, name):
        if name not in self.arrays:
            if name not in self.archive.files:
                raise self._damaged(f"array entry '{name}' is missing")
            self.arrays[name] = self.archive[name]
        return self.arrays[name]

    def _tensor(self, node):
        if node["id"] in self.tensors:
            return self.tensors[node["id"]]
        array = self._array(node["array"])
        if array.dtype != _dtypes._by_name(node["dtype"]).numpy or \
                list(array.shape) != node["shape"]:
            raise self._damaged(f"array '{node['array']}' is {array.dtype}{list(array.shape)}, "
                                f"described as {node['dtype']}{node['shape']}")
        tensor = (Parameter(array, requires_grad=node["requires_grad"]) if node["parameter"]
                  else Tensor(array, requires_grad=node["requires_grad"]))
        self.tensors[node["id"]] = tensor
        return tensor
