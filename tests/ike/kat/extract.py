#!/usr/bin/env python3
"""Turns one strongSwan capture (capture.sh's init.log and resp.log) into a .kat file.

usage: extract.py CAPTURE-DIR > NAME.kat

Reads charon's filelog at ike=4, chd=4, enc=4: the payloads each side generated (KE and
nonce bodies), the keys it derived (shared secret, SKEYID*, Ka, IVs, Quick Mode seeds and
keys), the HASH_I/HASH_R inputs and outputs, and every encrypted message (IV, plaintext,
padding, ciphertext).  Only values strongSwan logged are written; the test recomputes the
derived ones from the inputs.  A development step: the committed .kat files are the data.
"""
import re
import sys

LINE = re.compile(r'^(\d\d)\[(\w+)\] (.*)$')
DUMP = re.compile(r'^(.*?) => (\d+) bytes @ ')
ROW = re.compile(r'^\s*(\d+): ((?:[0-9A-F]{2} ?)+)')
EXCH = re.compile(r'^generating (\w+) (request|response) (\d+) \[')


def events(path):
    """(thread, category, text, bytes-or-None) for each log line; dumps joined."""
    out = []
    pending = {}		# thread -> [index in out, expected length]
    with open(path, encoding='utf-8', errors='replace') as f:
        for raw in f:
            m = LINE.match(raw.rstrip('\n'))
            if not m:
                continue
            th, cat, text = m.groups()
            p = pending.get(th)
            r = ROW.match(text)
            if p is not None and r and int(r.group(1)) == len(out[p[0]][3]):
                # A row is 16 bytes of hex, two spaces, then the text column.
                hexpart = text[text.index(':') + 2:][:48]
                out[p[0]][3].extend(bytes.fromhex(hexpart.replace(' ', '')))
                if len(out[p[0]][3]) >= p[1]:
                    del pending[th]
                continue
            d = DUMP.match(text)
            if d:
                out.append((th, cat, d.group(1).strip(), bytearray()))
                n = int(d.group(2))
                if n > 0:
                    pending[th] = [len(out) - 1, n]
                continue
            out.append((th, cat, text, None))
    return out


def scan(evs):
    """Per-thread context: which message is being generated, which payload."""
    ctx = {}
    for th, cat, text, data in evs:
        c = ctx.setdefault(th, {'exch': None, 'payload': None})
        if data is None:
            m = EXCH.match(text)
            if m:
                c['exch'] = (m.group(1), m.group(2), int(m.group(3)))
            elif text.startswith('generating payload of type '):
                c['payload'] = text.split()[-1]
            elif text.startswith('parsed ') or text.startswith('sending packet'):
                c['exch'] = None
        yield th, cat, text, data, dict(c)


def generated_payloads(evs, exch, role):
    """Bodies of the KE and nonce payloads generated in messages of exch/role."""
    got = {}
    for th, cat, text, data, c in scan(evs):
        if data is None or text != 'generated data for this payload':
            continue
        if c['exch'] is None or c['exch'][0] != exch or c['exch'][1] != role:
            continue
        if c['payload'] in ('KEY_EXCHANGE_V1', 'NONCE_V1') and c['payload'] not in got:
            got[c['payload']] = bytes(data[4:])
    return got


def encrypted_messages(evs):
    """(exchange, role, message ID, IV, plain, padding, ciphertext) of each message sent."""
    msgs = []
    cur = {}
    for th, cat, text, data, c in scan(evs):
        if cat != 'ENC':
            continue
        if data is None and text == 'encrypting payloads:':
            cur[th] = {'exch': c['exch']}
        elif data is not None and th in cur and text in ('IV', 'plain', 'padding',
                                                           'encrypted'):
            cur[th][text] = bytes(data)
            if text == 'encrypted':
                m = cur.pop(th)
                if m['exch'] is None:
                    sys.exit('encrypted message outside a generated exchange')
                msgs.append((m['exch'][0], m['exch'][1], m['exch'][2], m['IV'],
                             m['plain'], m.get('padding', b''), m['encrypted']))
    return msgs


def first(evs, label, cat=None, after=0):
    for i, (th, c, text, data) in enumerate(evs):
        if i >= after and data is not None and text == label and (cat is None or c == cat):
            return bytes(data), i
    return None, -1


def last_before(evs, label, before):
    found = None
    for i, (th, c, text, data) in enumerate(evs[:before]):
        if data is not None and text == label:
            found = bytes(data)
    return found


def main():
    d = sys.argv[1].rstrip('/')
    ini = events(d + '/init.log')
    res = events(d + '/resp.log')
    ike, esp = open(d + '/proposals').read().split()
    psk = open(d + '/psk').read().rstrip('\n')
    kv = []

    def put(k, v):
        if v is None:
            sys.exit('%s: no value for %s' % (d, k))
        kv.append((k, v))

    gi = generated_payloads(ini, 'ID_PROT', 'request')
    gr = generated_payloads(res, 'ID_PROT', 'response')
    gxy, _ = first(ini, 'shared Diffie Hellman secret')
    hash_i_data, _ = first(ini, 'HASH_I data')
    hash_r_data, _ = first(ini, 'HASH_R data')
    glen = len(gi['KEY_EXCHANGE_V1'])
    ck = hash_i_data[2 * glen:2 * glen + 16]
    # The ID payloads are IPv4 addresses here: 8-byte bodies.
    sa_id_i = hash_i_data[2 * glen + 16:]
    sa_id_r = hash_r_data[2 * glen + 16:]
    if (hash_i_data[:glen] != gi['KEY_EXCHANGE_V1'] or
            hash_i_data[glen:2 * glen] != gr['KEY_EXCHANGE_V1'] or
            sa_id_i[:-8] != sa_id_r[:-8]):
        sys.exit('%s: HASH_I/HASH_R inputs disagree with the KE payloads' % d)

    kv.append(('#', 'strongSwan charon capture: IKE proposal %s, ESP proposal %s' % (ike, esp)))
    put('ike_proposal', ike.encode())
    put('esp_proposal', esp.encode())
    put('psk', psk.encode())
    put('cky_i', ck[:8])
    put('cky_r', ck[8:])
    put('ni_b', gi['NONCE_V1'])
    put('nr_b', gr['NONCE_V1'])
    put('gxi', gi['KEY_EXCHANGE_V1'])
    put('gxr', gr['KEY_EXCHANGE_V1'])
    put('gxy', gxy)
    for k, label in (('skeyid', 'SKEYID'), ('skeyid_d', 'SKEYID_d'), ('skeyid_a', 'SKEYID_a'),
                     ('skeyid_e', 'SKEYID_e'), ('enc_key', 'encryption key Ka'),
                     ('iv', 'initial IV')):
        put(k, first(ini, label, 'IKE')[0])
        if first(res, label, 'IKE')[0] != kv[-1][1]:
            sys.exit('%s: the two sides disagree on %s' % (d, label))
    put('sai_b', sa_id_i[:-8])
    put('idii_b', sa_id_i[-8:])
    put('idir_b', sa_id_r[-8:])
    put('hash_i', first(ini, 'HASH_I', 'IKE')[0])
    put('hash_r', first(ini, 'HASH_R', 'IKE')[0])

    # Quick Mode: nonces (and KE with PFS) of each side's message, the SPIs, the keys.
    qi = generated_payloads(ini, 'QUICK_MODE', 'request')
    qr = generated_payloads(res, 'QUICK_MODE', 'response')
    put('qm_ni_b', qi['NONCE_V1'])
    put('qm_nr_b', qr['NONCE_V1'])
    if 'KEY_EXCHANGE_V1' in qi:
        put('qm_gxi', qi['KEY_EXCHANGE_V1'])
        put('qm_gxr', qr['KEY_EXCHANGE_V1'])
        put('qm_gxy', first(ini, 'DH secret', 'CHD')[0])
    spi = {}
    for name, evs in (('spi_i', ini), ('spi_r', res)):
        for th, c, text, data in evs:
            m = re.match(r'got SPI ([0-9a-f]{8})$', text)
            if data is None and m:
                spi[name] = bytes.fromhex(m.group(1))
                break
    put('spi_i', spi.get('spi_i'))
    put('spi_r', spi.get('spi_r'))
    seed_i = first(ini, 'initiator SA seed', 'CHD')[0]
    put('protocol', seed_i[len(seed_i) - len(qi['NONCE_V1']) - len(qr['NONCE_V1']) - 5:][:1])
    # "initiator" keys protect initiator -> responder traffic, under the responder's SPI.
    ek_i = first(ini, 'encryption initiator key', 'CHD')[0] or b''
    ik_i = first(ini, 'integrity initiator key', 'CHD')[0] or b''
    ek_r = first(ini, 'encryption responder key', 'CHD')[0] or b''
    ik_r = first(ini, 'integrity responder key', 'CHD')[0] or b''
    put('keymat_i', ek_i + ik_i)
    put('keymat_r', ek_r + ik_r)
    put('keymat_enc_len', str(len(ek_i)).encode())

    # The last Phase 1 CBC block: the IV chain's state once Main Mode is done.
    q1, qidx = first(ini, 'IV', 'ENC', after=0)
    msgs = encrypted_messages(ini) + encrypted_messages(res)
    p1_done = None
    for i, (th, c, text, data) in enumerate(ini):
        if data is None and text.startswith('generating QUICK_MODE request'):
            p1_done = last_before(ini, 'next IV for MID 0', i)
            break
    put('p1_last_block', p1_done)
    for exch, role, mid, iv, plain, pad, enc in msgs:
        kv.append(('msg', ('%s %s' % (exch, role)).encode()))
        put('msg_id', str(mid).encode())
        put('msg_iv', iv)
        put('msg_plain', plain)
        put('msg_pad', pad)
        put('msg_enc', enc)

    text_keys = ('ike_proposal', 'esp_proposal', 'psk', 'msg', 'msg_id', 'protocol_text',
                 'keymat_enc_len')
    for k, v in kv:
        if k == '#':
            print('# ' + v)
        elif k in text_keys:
            print('%s = "%s"' % (k, v.decode()))
        else:
            print('%s = %s' % (k, v.hex()))


main()
