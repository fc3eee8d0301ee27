#!/usr/bin/env python3
"""Writes the hand-made bad shapefiles of this folder (run once; the bytes
are committed); with `PRJ circle BASE [N]`, only a wavy circle of N
vertices (a test makes it at run time). A minimal writer of the ESRI Shapefile technical
description (1998): polygon records, their .shx index, a one-field .dbf."""
import struct, sys

def write(base, rings_per_record, codes):
    recs = []
    for rings in rings_per_record:
        pts = [p for r in rings for p in r]
        xs = [p[0] for p in pts]; ys = [p[1] for p in pts]
        parts = []
        k = 0
        for r in rings:
            parts.append(k); k += len(r)
        body = struct.pack('<i4d2i', 5, min(xs), min(ys), max(xs), max(ys), len(rings), len(pts))
        body += b''.join(struct.pack('<i', p) for p in parts)
        body += b''.join(struct.pack('<2d', *p) for p in pts)
        recs.append(body)
    allx = [p[0] for rr in rings_per_record for r in rr for p in r]
    ally = [p[1] for rr in rings_per_record for r in rr for p in r]
    def header(length_words):
        return struct.pack('>7i', 9994, 0, 0, 0, 0, 0, length_words) + struct.pack(
            '<2i8d', 1000, 5, min(allx), min(ally), max(allx), max(ally), 0, 0, 0, 0)
    shp = b''; shx = b''; off = 50
    for i, b in enumerate(recs):
        shx += struct.pack('>2i', off, len(b) // 2)
        shp += struct.pack('>2i', i + 1, len(b) // 2) + b
        off += 4 + len(b) // 2
    open(base + '.shp', 'wb').write(header(50 + len(shp) // 2) + shp)
    open(base + '.shx', 'wb').write(header(50 + len(shx) // 2) + shx)
    n = len(codes)
    dbf = struct.pack('<4BIHH20x', 3, 126, 1, 1, n, 32 + 32 + 1, 1 + 10)
    dbf += b'CODE'.ljust(11, b'\0') + b'C' + b'\0' * 4 + bytes([10, 0]) + b'\0' * 14 + b'\r'
    for c in codes:
        dbf += b' ' + c.ljust(10)[:10]
    dbf += b'\x1a'
    open(base + '.dbf', 'wb').write(dbf)
    open(base + '.prj', 'w').write(open(sys.argv[1]).read())

if len(sys.argv) > 3 and sys.argv[2] == 'circle':
    # A study area with a million-vertex boundary (a wavy circle of 6 km
    # around Gravesham), for the edge-correction time and ^C test.
    import math
    N = int(sys.argv[4]) if len(sys.argv) > 4 else 1000000
    t = [2 * math.pi * k / N for k in range(N)]
    ring = [(565000 + 6000 * math.cos(-a) * (1 + 0.02 * math.sin(40 * a)),
             172000 + 6000 * math.sin(-a) * (1 + 0.02 * math.sin(40 * a))) for a in t]
    write(sys.argv[3], [[ring + [ring[0]]]], [b'E0000001'])
    sys.exit(0)

sq = [(560000, 170000), (560000, 171000), (561000, 171000), (561000, 170000), (560000, 170000)]
write('three_points', [[[(560000, 170000), (560500, 170500), (560000, 170000)]], [sq]],
      [b'E0000001', b'E0000002'])
write('not_closed', [[sq[:-1]]], [b'E0000001'])
bow = [(560000, 170000), (561000, 171000), (561000, 170000), (560000, 171000), (560000, 170000)]
write('bowtie', [[bow]], [b'E0000001'])
write('bad_utf8', [[sq]], [b'E\xff\xfe001'])

# A .shp of 3 records whose .shx and .dbf were left at 1 (an out-of-date
# index): the .shx's header length and its one entry, the .dbf of one code.
sq2 = [(x + 2000, y) for x, y in sq]
sq3 = [(x + 4000, y) for x, y in sq]
write('stale_shx', [[sq], [sq2], [sq3]], [b'E0000001'])
shx = open('stale_shx.shx', 'rb').read()
open('stale_shx.shx', 'wb').write(shx[:24] + struct.pack('>i', 54) + shx[28:100] + shx[100:108])
