"""What a MATLAB v5 .mat file holds, read from its headers: names, shapes, unpacked sizes.

How it works
1. After a 128-byte header, a v5 file is a list of elements, each a tag (type, byte count)
   and a body. A variable is a miMATRIX element, or a miCOMPRESSED one: a zlib stream that
   unpacks to a miMATRIX element.
2. A miMATRIX element starts with three small elements: array flags, dimensions (int32) and
   the name. They sit in the first bytes, so a compressed variable is unpacked only that far
   (scipy.io.whosmat would unpack a whole block, hundreds of MB for a small file of zeros).
3. To count what a compressed variable unpacks to, it is unpacked 1 MB at a time and
   thrown away, stopping once over the limit; its own tag's claim counts too (it may lie).
"""

import struct
import zlib

MI_MATRIX, MI_COMPRESSED = 14, 15
CHUNK = 1 << 20


def byte_order(data):
    """"<" or ">" for MATLAB v5 bytes (as scipy reads the endian mark), None if not v5."""
    if len(data) >= 136 and data[124:128] in (b"\x00\x01IM", b"\x01\x00MI"):
        return "<" if data[126:128] == b"IM" else ">"
    return None


def variables(data, limit=None):
    """[(name, shape)] of each variable whose header can be read, and the bytes all variables
    take once unpacked (with limit, counting stops once over it; without, compressed variables
    are unpacked only as far as their headers and not counted)."""
    order = byte_order(data)
    pos, total, found = 128, 0, []
    while order and pos + 8 <= len(data) and (limit is None or total <= limit):
        kind, nbytes = struct.unpack(order + "II", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + nbytes]
        if kind == MI_COMPRESSED:
            head, size = _inflate(body, order, None if limit is None else limit - total)
            pos += 8 + nbytes
        else:
            head, size = data[pos:pos + 8 + min(nbytes, CHUNK)], len(body)
            pos += 8 + nbytes + (-nbytes % 8)  # uncompressed elements are padded to 8 bytes
        total += size
        header = _matrix_header(head, order)
        if header is not None:
            found.append(header)
        if size is None:  # damaged: scipy will say so
            break
    return found, total


def _inflate(body, order, room):
    """(the first unpacked bytes, the unpacked size or None if damaged), stopping past room."""
    inflate = zlib.decompressobj()
    try:
        head = chunk = inflate.decompress(body, CHUNK)
        if room is None:
            return head, 0
        claimed = 8 + struct.unpack(order + "II", head[:8])[1] if len(head) >= 8 else 0
        unpacked = 0
        while chunk and max(claimed, unpacked) <= room:
            unpacked += len(chunk)
            chunk = inflate.decompress(inflate.unconsumed_tail, CHUNK)
    except zlib.error:
        return b"", None
    return head, max(claimed, unpacked)


def _matrix_header(head, order):
    """(name, shape) from the first bytes of a miMATRIX element, or None if they are not one."""
    try:
        kind, _ = struct.unpack_from(order + "II", head, 0)
        if kind != MI_MATRIX:
            return None
        pos, parts = 8, []
        for _ in range(3):  # array flags, dimensions, name
            kind, n = struct.unpack_from(order + "II", head, pos)
            if kind >> 16:  # a small element: up to 4 bytes of data inside its own tag
                n = kind >> 16
                parts.append(head[pos + 4:pos + 4 + n])
                pos += 8
            else:
                parts.append(head[pos + 8:pos + 8 + n])
                pos += 8 + n + (-n % 8)
        shape = struct.unpack(order + f"{len(parts[1]) // 4}i", parts[1][: len(parts[1]) // 4 * 4])
        return parts[2].decode("latin1"), shape
    except struct.error:
        return None
