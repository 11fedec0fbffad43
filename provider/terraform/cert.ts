/**
 * The server certificate for go-plugin's AutoMTLS: a self-signed EC P-256 certificate for `localhost`,
 * made at start-up with node:crypto and a few lines of hand-built DER (a certificate library costs
 * 50–200 ms per launch; this costs a few ms). Terraform pins exactly this certificate (it arrives in the
 * handshake line), so it only has to satisfy Go's x509 checks: SAN DNS:localhost, CA, usable for TLS.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

// ---- minimal DER writer -----------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);
const TRUE = Buffer.from([0x01, 0x01, 0xff]);

function integer(b: Buffer): Buffer {
  let v = b;
  while (v.length > 1 && v[0] === 0 && ((v[1] as number) & 0x80) === 0) v = v.subarray(1);
  if (((v[0] as number) & 0x80) !== 0) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [(parts[0] as number) * 40 + (parts[1] as number)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(date: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${p(date.getUTCFullYear() % 100)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [TRUE] : []), octets(value));
}

// ---- the certificate --------------------------------------------------------------------------

export interface ServerCertificate {
  /** DER bytes of the certificate (for the handshake line). */
  der: Buffer;
  certPem: string;
  keyPem: string;
}

export function makeServerCertificate(hostname = 'localhost', now = new Date()): ServerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const name = sequence(
    set(sequence(oid('2.5.4.10'), tlv(0x0c, Buffer.from('logto-iac')))),
    set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(hostname)))),
  );
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);

  const extensions = sequence(
    // basicConstraints: CA (Go treats the pinned certificate as its own root)
    extension('2.5.29.19', true, sequence(TRUE)),
    // keyUsage: digitalSignature, keyEncipherment, keyCertSign (bits 0, 2, 5 → 0xa4, 2 unused bits)
    extension('2.5.29.15', true, bits(Buffer.from([0xa4]), 2)),
    // extKeyUsage: serverAuth, clientAuth
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    // subjectAltName: dNSName
    extension('2.5.29.17', false, sequence(tlv(0x82, Buffer.from(hostname, 'ascii')))),
  );

  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    name,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, ecdsaWithSha256, bits(signature));
  const b64 = der.toString('base64');
  const certPem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { der, certPem, keyPem };
}

/** go-plugin decodes the certificate in the handshake line with base64 RawStdEncoding: no `=` padding. */
export function handshakeCertificate(der: Buffer): string {
  return der.toString('base64').replace(/=+$/, '');
}
