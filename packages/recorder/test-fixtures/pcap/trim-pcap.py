#!/usr/bin/env python3
"""Keep the records of a classic libpcap file whose capture time is < first + SECONDS.

  trim-pcap.py IN.pcap OUT.pcap SECONDS
"""
import struct
import sys

src, dst, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
data = open(src, "rb").read()
magic = data[:4]
end = "<" if magic == b"\xd4\xc3\xb2\xa1" else ">"
out = bytearray(data[:24])
pos, first = 24, None
while pos + 16 <= len(data):
    sec, usec, incl, _orig = struct.unpack(end + "IIII", data[pos:pos + 16])
    t = sec + usec / 1e6
    first = t if first is None else first
    if t - first < seconds:
        out += data[pos:pos + 16 + incl]
    pos += 16 + incl
open(dst, "wb").write(out)
