#!/usr/bin/python3
"""A plain-Python writer and reader of the safetensors format, from its definition
(https://github.com/huggingface/safetensors, README "Format"), for systems without the package.

File layout: 8-byte little-endian unsigned header size N; N bytes of UTF-8 JSON mapping each tensor name to
{"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the byte buffer that follows the header),
plus an optional "__metadata__" map of strings to strings; then the raw little-endian tensor bytes.
Like the reference writer, tensors are laid out by descending dtype alignment then by name, the header keys
follow that order with "__metadata__" first, the JSON is compact, and the header is padded with spaces to a
multiple of 8 bytes.

Command line:
    safetensors_py.py dump FILE        prints {"metadata": ..., "tensors": {name: {dtype, shape, data}}} as JSON
"""
import json
import struct
import sys

DTYPES = {"F64": ("d", 8), "F32": ("f", 4), "I64": ("q", 8), "I32": ("i", 4), "U8": ("B", 1)}
# The reference orders dtypes by its enum (alignment); larger first when writing.
ORDER = ["U8", "I32", "F32", "F64", "I64"]


def write(path, tensors, metadata=None):
    """tensors: {name: (dtype, shape, flat list of values)}."""
    names = sorted(tensors, key=lambda n: (-ORDER.index(tensors[n][0]), n.encode("utf-8")))
    header = {}
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    chunks, offset = [], 0
    for name in names:
        dtype, shape, values = tensors[name]
        count = 1
        for d in shape:
            count *= d
        assert count == len(values), name
        fmt, size = DTYPES[dtype]
        raw = struct.pack("<%d%s" % (count, fmt), *values)
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)


def read(path):
    """Returns (metadata or None, {name: (dtype, shape, flat list of values)}), validating the layout."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError("file shorter than the 8-byte header size")
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise ValueError("header size beyond the end of the file")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", None)
    out, spans = {}, []
    for name, info in header.items():
        fmt, size = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - begin != count * size:
            raise ValueError("%s: byte range does not match its shape" % name)
        spans.append((begin, end))
        out[name] = (info["dtype"], info["shape"], list(struct.unpack("<%d%s" % (count, fmt), data[begin:end])))
    spans.sort()
    pos = 0
    for begin, end in spans:
        if begin != pos:
            raise ValueError("offsets leave a gap or overlap")
        pos = end
    if pos != len(data):
        raise ValueError("offsets do not cover the data buffer")
    return metadata, out


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "dump":
        sys.exit("usage: safetensors_py.py dump FILE")
    meta, tensors = read(sys.argv[2])
    json.dump({"metadata": meta,
               "tensors": {k: {"dtype": d, "shape": s, "data": v} for k, (d, s, v) in tensors.items()}},
              sys.stdout, separators=(",", ":"))
