package org.pacsmigrate.format.dicom;

/** DICOM value representations (PS3.5 6.2) and the encoding facts the codec needs about each. */
public enum VR {
  AE(Kind.TEXT, false, 0, ' '),
  AS(Kind.TEXT, false, 0, ' '),
  AT(Kind.BINARY, false, 2, 0),
  CS(Kind.TEXT, false, 0, ' '),
  DA(Kind.TEXT, false, 0, ' '),
  DS(Kind.TEXT, false, 0, ' '),
  DT(Kind.TEXT, false, 0, ' '),
  FD(Kind.BINARY, false, 8, 0),
  FL(Kind.BINARY, false, 4, 0),
  IS(Kind.TEXT, false, 0, ' '),
  LO(Kind.TEXT, false, 0, ' '),
  LT(Kind.TEXT, false, 0, ' '),
  OB(Kind.BULK, true, 1, 0),
  OD(Kind.BULK, true, 8, 0),
  OF(Kind.BULK, true, 4, 0),
  OL(Kind.BULK, true, 4, 0),
  OV(Kind.BULK, true, 8, 0),
  OW(Kind.BULK, true, 2, 0),
  PN(Kind.TEXT, false, 0, ' '),
  SH(Kind.TEXT, false, 0, ' '),
  SL(Kind.BINARY, false, 4, 0),
  SQ(Kind.SEQUENCE, true, 0, 0),
  SS(Kind.BINARY, false, 2, 0),
  ST(Kind.TEXT, false, 0, ' '),
  SV(Kind.BINARY, true, 8, 0),
  TM(Kind.TEXT, false, 0, ' '),
  UC(Kind.TEXT, true, 0, ' '),
  UI(Kind.TEXT, false, 0, 0),
  UL(Kind.BINARY, false, 4, 0),
  UN(Kind.BULK, true, 1, 0),
  UR(Kind.TEXT, true, 0, ' '),
  US(Kind.BINARY, false, 2, 0),
  UT(Kind.TEXT, true, 0, ' '),
  UV(Kind.BINARY, true, 8, 0);

  /** How a value of this VR is held and written to JSON. */
  public enum Kind {
    /** Character string; decoded with the Specific Character Set in scope. */
    TEXT,
    /** Fixed-size numbers (or tags) written as JSON numbers. */
    BINARY,
    /** Opaque bytes: InlineBinary or BulkDataURI in JSON; may be left in the source file. */
    BULK,
    SEQUENCE
  }

  private final Kind kind;
  private final boolean longExplicitHeader;
  private final int unitSize;
  private final int padding;

  VR(Kind kind, boolean longExplicitHeader, int unitSize, int padding) {
    this.kind = kind;
    this.longExplicitHeader = longExplicitHeader;
    this.unitSize = unitSize;
    this.padding = padding;
  }

  public Kind kind() {
    return kind;
  }

  /** Explicit VR encoding uses 2 reserved bytes and a 32-bit length for these VRs (PS3.5 7.1.2). */
  public boolean hasLongExplicitHeader() {
    return longExplicitHeader;
  }

  /** Size of one number, for byte swapping; 0 for strings and sequences; 1 for opaque bytes. */
  public int unitSize() {
    return unitSize;
  }

  /** Byte used to pad a value to even length. */
  public int paddingByte() {
    return padding;
  }

  public boolean isText() {
    return kind == Kind.TEXT;
  }

  /** Text VRs whose value is one string in which backslash is an ordinary character (PS3.5 6.2). */
  public boolean isSingleValuedText() {
    return this == LT || this == ST || this == UT || this == UR;
  }

  /** The two bytes of an explicit VR as characters, or null when they are not a known VR. */
  public static VR fromCode(int b0, int b1) {
    if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
      return null;
    }
    try {
      return valueOf(new String(new char[] {(char) b0, (char) b1}));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
