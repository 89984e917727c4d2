// What a published photo keeps: the picture and what decoding needs, never where, when or by whom it was taken —
// including what phones hide outside the Exif segment (IPTC, comments, MPF and the images appended after the end).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutMetadata } from './media.ts';

const segment = (marker: number, body: string) => {
  const content = Buffer.from(body, 'latin1');
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(content.length + 2, 2);
  return Buffer.concat([head, content]);
};
const START = Buffer.from([0xff, 0xd8]);
const END = Buffer.from([0xff, 0xd9]);
const JFIF = segment(0xe0, 'JFIF\0\x01\x01\0\0\x01\0\x01\0\0');
const ICC = segment(0xe2, 'ICC_PROFILE\0\x01\x01sRGB profile bytes');
const TABLES = segment(0xdb, `\0${'\x01'.repeat(64)}`);
const FRAME = segment(0xc0, '\x08\0\x01\0\x01\x01\x01\x11\0');
const SCAN = Buffer.concat([segment(0xda, '\x01\x01\0\0\x3f\0'), Buffer.from([0x12, 0xff, 0x00, 0x34])]);
const GPS = 'GPSLatitude=10.0452;GPSLongitude=105.7846';

test('a phone photo loses Exif, XMP, MPF, IPTC, comments and what follows its end; keeps JFIF, colour profile, tables and the picture', () => {
  const appended = Buffer.concat([START, segment(0xe1, `Exif\0\0${GPS}`), FRAME, SCAN, END]); // an MPF secondary image
  const photo = Buffer.concat([
    START,
    JFIF,
    segment(0xe1, `Exif\0\0${GPS}`),
    segment(0xe1, `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>${GPS}</x:xmpmeta>`),
    segment(0xe2, `MPF\0II*\0${GPS}`),
    ICC,
    segment(0xed, `Photoshop 3.0\x008BIM city=Cần Thơ ${GPS}`),
    segment(0xfe, `chụp bởi Nguyễn Văn A ${GPS}`),
    TABLES,
    FRAME,
    SCAN,
    END,
    appended,
  ]);
  const published = withoutMetadata('image/jpeg', photo);
  assert.ok(!published.toString('latin1').includes('GPSLatitude'), 'no location anywhere in the published file');
  assert.deepEqual(published, Buffer.concat([START, JFIF, ICC, TABLES, FRAME, SCAN, END]));
});
