#!/usr/bin/env python3
"""Cuts the IKEv1 datagrams and decrypted bodies out of a charon log (net/enc level 4).

usage: isakmp-extract.py CHARON.LOG OUTDIR PREFIX
Writes PREFIX-NN-msg.bin for every received datagram and PREFIX-NN-plain-TYPE.bin for every
decrypted body (TYPE: the header's first payload, which the body starts with).
"""
import re
import sys

DUMP = re.compile(r'^(\d+)\[(NET|ENC)\] (received packet|plain) => (\d+) bytes')
HEX = re.compile(r'^(\d+)\[(?:NET|ENC)\]\s+\d+: ((?:[0-9A-F]{2} ?)+)')
DECRYPT = re.compile(r'^(\d+)\[ENC\] decrypting payloads:')
FIRST = re.compile(r'^(\d+)\[ENC\] parsing body of message, first payload is (\S+)')


def main():
    log, out, prefix = sys.argv[1:4]
    lines = open(log, errors='replace').read().splitlines()
    n = 0
    decrypting = {}  # thread -> first payload name of the message being decrypted
    first = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FIRST.match(line)
        if m:
            first[m.group(1)] = m.group(2)
        m = DECRYPT.match(line)
        if m:
            decrypting[m.group(1)] = first.get(m.group(1), 'unknown')
        m = DUMP.match(line)
        if m and (m.group(3) == 'received packet' or m.group(1) in decrypting):
            thread, size = m.group(1), int(m.group(4))
            data = bytearray()
            i += 1
            while i < len(lines) and len(data) < size:
                h = HEX.match(lines[i])
                if not h or h.group(1) != thread:
                    break
                data += bytes.fromhex(h.group(2).replace(' ', ''))
                i += 1
            if len(data) != size:
                continue
            n += 1
            if m.group(3) == 'received packet':
                name = '%s/%s-%02d-msg.bin' % (out, prefix, n)
            else:
                kind = decrypting.pop(thread).replace('_V1', '').lower()
                name = '%s/%s-%02d-plain-%s.bin' % (out, prefix, n, kind)
            with open(name, 'wb') as f:
                f.write(data)
            continue
        i += 1


if __name__ == '__main__':
    main()
