// Demo citizens of the local identity provider. Personal ID numbers follow the Căn cước layout: 092 (Cần Thơ),
// one digit for sex and century, two for the birth year, six at random. Level 2 (mức 2) is an identity checked in
// person with the chip card; level 1 is registered online only.
export interface LocalAccount {
  idNumber: string;
  fullName: string;
  birthDate: string | null;
  phone: string | null;
  level: 1 | 2;
}

export const DEMO_CITIZENS: readonly LocalAccount[] = [
  { idNumber: '092085000123', fullName: 'Nguyễn Văn Minh', birthDate: '1985-03-12', phone: '0901234567', level: 2 },
  { idNumber: '092196112233', fullName: 'Trần Thị Thu Hà', birthDate: '1996-07-25', phone: '0912345678', level: 2 },
  { idNumber: '092302345678', fullName: 'Phạm Ngọc Anh', birthDate: '2002-01-30', phone: '0934567890', level: 2 },
  { idNumber: '092075008910', fullName: 'Lê Hoàng Phúc', birthDate: '1975-11-02', phone: null, level: 1 },
];

/** The `acr` value the local provider puts in ID tokens for an identity level. */
export const acrForLevel = (level: 1 | 2) => `urn:congso:idp:muc-${level}`;
