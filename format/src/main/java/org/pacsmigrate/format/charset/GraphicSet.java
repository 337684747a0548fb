package org.pacsmigrate.format.charset;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.HashMap;
import java.util.Map;

/**
 * One ISO 2022 graphic character set (a "code element" content) that DICOM can designate into G0 or
 * G1 with an escape sequence (PS3.3 Tables C.12-3 and C.12-4).
 *
 * <p>Characters are addressed by their 7-bit position in the code table (0x21-0x7E, or 0x20-0x7F for
 * 96-character sets), independent of whether the set is invoked in GL or GR; the caller strips or
 * adds the high bit. The mapping tables are built lazily from the JDK charsets, once per set, so both
 * directions come from the same table and encoding is guaranteed to round-trip through decoding.
 */
enum GraphicSet {
    /** ISO-IR 6 (ASCII). */
    ASCII(Size.CS94, 'B', null),
    /**
     * ISO-IR 14 (JIS X 0201 Romaji). Strictly 0x5C is YEN SIGN and 0x7E OVERLINE, but DICOM uses 0x5C
     * as the value delimiter and pydicom/dcmtk decode it as ASCII, so it is mapped as ASCII here.
     */
    JIS_X0201_ROMAN(Size.CS94, 'J', null),
    /** ISO-IR 13 (JIS X 0201 Katakana): half-width katakana U+FF61..U+FF9F at positions 0x21-0x5F. */
    JIS_X0201_KATAKANA(Size.CS94, 'I', null),
    ISO_8859_1(Size.CS96, 'A', "ISO-8859-1"),
    ISO_8859_2(Size.CS96, 'B', "ISO-8859-2"),
    ISO_8859_3(Size.CS96, 'C', "ISO-8859-3"),
    ISO_8859_4(Size.CS96, 'D', "ISO-8859-4"),
    ISO_8859_5(Size.CS96, 'L', "ISO-8859-5"),
    ISO_8859_6(Size.CS96, 'G', "ISO-8859-6"),
    ISO_8859_7(Size.CS96, 'F', "ISO-8859-7"),
    ISO_8859_8(Size.CS96, 'H', "ISO-8859-8"),
    ISO_8859_9(Size.CS96, 'M', "ISO-8859-9"),
    ISO_8859_15(Size.CS96, 'b', "ISO-8859-15"),
    /** ISO-IR 166 (TIS 620-2533). x-iso-8859-11 rather than TIS-620 because it also maps 0xA0 (NBSP). */
    TIS_620(Size.CS96, 'T', "x-iso-8859-11"),
    /** ISO-IR 87 (JIS X 0208), taken from EUC-JP code set 1 (both bytes with the high bit set). */
    JIS_X0208(Size.CS94x94, 'B', "EUC-JP"),
    /** ISO-IR 159 (JIS X 0212), taken from EUC-JP code set 3 (SS3 0x8F prefix, high bits set). */
    JIS_X0212(Size.CS94x94, 'D', "EUC-JP"),
    /** ISO-IR 149 (KS X 1001), taken from EUC-KR. */
    KS_X1001(Size.CS94x94, 'C', "EUC-KR"),
    /** ISO-IR 58 (GB 2312), taken from EUC-CN. */
    GB2312(Size.CS94x94, 'A', "GB2312");

    /** The ISO 2022 set sizes; they decide which intermediate bytes the escape sequence uses. */
    enum Size { CS94, CS96, CS94x94 }

    /** Replacement for positions that have no character. */
    static final char UNMAPPED = '\uFFFD';

    private static final int ESC = 0x1B;

    final Size size;
    final char finalByte;
    private final String jdkCharset;
    private volatile Tables tables;

    GraphicSet(Size size, char finalByte, String jdkCharset) {
        this.size = size;
        this.finalByte = finalByte;
        this.jdkCharset = jdkCharset;
    }

    boolean isMultiByte() {
        return size == Size.CS94x94;
    }

    /** ASCII-like sets carry no characters beyond ASCII, so they are never a candidate for encoding. */
    boolean isAsciiLike() {
        return this == ASCII || this == JIS_X0201_ROMAN;
    }

    /** Decodes one single-byte position (0x20-0x7F); {@link #UNMAPPED} when the set has no character there. */
    char decode(int position) {
        return tables().toChar[position - 0x20];
    }

    /** Decodes one double-byte position, both bytes 0x21-0x7E; {@link #UNMAPPED} when unassigned. */
    char decode(int first, int second) {
        return tables().toChar[(first - 0x21) * 94 + (second - 0x21)];
    }

    /**
     * The position of {@code c} in this set: a byte 0x20-0x7F for single-byte sets, {@code first << 8 |
     * second} for double-byte sets; -1 when the set does not contain the character.
     */
    int encode(char c) {
        Integer code = tables().toCode.get(c);
        return code == null ? -1 : code;
    }

    /** The escape sequence that designates this set into G0 ({@code g1 == false}) or G1. */
    byte[] escapeSequence(boolean g1) {
        switch (size) {
            case CS94:
                return new byte[] {ESC, (byte) (g1 ? ')' : '('), (byte) finalByte};
            case CS96:
                if (!g1) {
                    throw new IllegalStateException("a 96-character set cannot be designated into G0: " + this);
                }
                return new byte[] {ESC, '-', (byte) finalByte};
            default:
                // The short form ESC $ F only exists for G0 and final bytes @, A, B (ISO 2022 6.3.2);
                // DICOM specifies it for ISO-IR 87 and the long form for everything else.
                if (!g1 && finalByte <= 'B') {
                    return new byte[] {ESC, '$', (byte) finalByte};
                }
                return new byte[] {ESC, '$', (byte) (g1 ? ')' : '('), (byte) finalByte};
        }
    }

    /** The set designated by an escape sequence with the given size and final byte, or null if unknown. */
    static GraphicSet forDesignation(Size size, int finalByte) {
        if (size == Size.CS94x94 && finalByte == '@') {
            // ESC $ @ designates JIS C 6226-1978, the predecessor of JIS X 0208; the tables agree
            // for practically every character, so decode it as JIS X 0208 rather than losing it.
            return JIS_X0208;
        }
        for (GraphicSet set : values()) {
            if (set.size == size && set.finalByte == finalByte) {
                return set;
            }
        }
        return null;
    }

    private Tables tables() {
        Tables t = tables;
        if (t == null) {
            synchronized (this) {
                t = tables;
                if (t == null) {
                    t = buildTables();
                    tables = t;
                }
            }
        }
        return t;
    }

    private static final class Tables {
        final char[] toChar;
        final Map<Character, Integer> toCode = new HashMap<>();

        Tables(int size) {
            toChar = new char[size];
        }

        void put(int index, int code, char c) {
            toChar[index] = c;
            // Keep the first position for characters that appear twice, so decoding gives c back.
            if (c != UNMAPPED) {
                toCode.putIfAbsent(c, code);
            }
        }
    }

    private Tables buildTables() {
        switch (this) {
            case ASCII:
            case JIS_X0201_ROMAN: {
                Tables t = new Tables(96);
                for (int p = 0x20; p <= 0x7F; p++) {
                    t.put(p - 0x20, p, p >= 0x21 && p <= 0x7E ? (char) p : UNMAPPED);
                }
                return t;
            }
            case JIS_X0201_KATAKANA: {
                Tables t = new Tables(96);
                for (int p = 0x20; p <= 0x7F; p++) {
                    t.put(p - 0x20, p, p >= 0x21 && p <= 0x5F ? (char) (0xFF61 + p - 0x21) : UNMAPPED);
                }
                return t;
            }
            default:
                break;
        }
        CharsetDecoder decoder = Charset.forName(jdkCharset).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        if (size == Size.CS96) {
            Tables t = new Tables(96);
            for (int p = 0x20; p <= 0x7F; p++) {
                t.put(p - 0x20, p, decodeOne(decoder, new byte[] {(byte) (p | 0x80)}));
            }
            return t;
        }
        Tables t = new Tables(94 * 94);
        for (int b1 = 0x21; b1 <= 0x7E; b1++) {
            for (int b2 = 0x21; b2 <= 0x7E; b2++) {
                byte[] euc = this == JIS_X0212
                        ? new byte[] {(byte) 0x8F, (byte) (b1 | 0x80), (byte) (b2 | 0x80)}
                        : new byte[] {(byte) (b1 | 0x80), (byte) (b2 | 0x80)};
                t.put((b1 - 0x21) * 94 + (b2 - 0x21), b1 << 8 | b2, decodeOne(decoder, euc));
            }
        }
        return t;
    }

    /** Decodes the bytes of exactly one character, or returns {@link #UNMAPPED}. */
    private static char decodeOne(CharsetDecoder decoder, byte[] bytes) {
        CharBuffer out = CharBuffer.allocate(4);
        decoder.reset();
        CoderResult r = decoder.decode(ByteBuffer.wrap(bytes), out, true);
        if (r.isError() || decoder.flush(out).isError()) {
            return UNMAPPED;
        }
        out.flip();
        // Supplementary characters (two chars) do not occur in these sets; treat them as unmapped.
        return out.remaining() == 1 ? out.get() : UNMAPPED;
    }
}
