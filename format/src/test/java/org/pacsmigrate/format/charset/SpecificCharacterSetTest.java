package org.pacsmigrate.format.charset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SpecificCharacterSetTest {

    /**
     * The byte vectors below are written the way pydicom's FileInfo.txt prints them: one Java char per
     * byte (Java escapes for ESC and for the high bytes), turned into bytes via ISO-8859-1.
     */
    private static byte[] b(String oneCharPerByte) {
        for (char c : oneCharPerByte.toCharArray()) {
            if (c > 0xFF) {
                throw new IllegalArgumentException("not a byte: " + c);
            }
        }
        return oneCharPerByte.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static SpecificCharacterSet cs(String... terms) {
        return SpecificCharacterSet.valueOf(terms);
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) {
            sb.append(String.format("%02X ", x & 0xFF));
        }
        return sb.toString().trim();
    }

    private static void assertBytes(byte[] expected, byte[] actual) {
        assertEquals(hex(expected), hex(actual));
    }

    // ---------------------------------------------------------------------------------------------
    // Real files (pydicom test charsets, FileInfo.txt) and the expected strings from pydicom's tests

    static Stream<Arguments> pydicomVectors() {
        return Stream.of(
                Arguments.of("chrArab", new String[] {"ISO_IR 127"},
                        "\u00e2\u00c8\u00c7\u00e6\u00ea^\u00e4\u00e6\u00d2\u00c7\u00d1", "قباني^لنزار"),
                Arguments.of("chrFren", new String[] {"ISO_IR 100"}, "Buc^J\u00e9r\u00f4me", "Buc^Jérôme"),
                Arguments.of("chrGerm", new String[] {"ISO_IR 100"}, "\u00c4neas^R\u00fcdiger", "Äneas^Rüdiger"),
                Arguments.of("chrGreek", new String[] {"ISO_IR 126"},
                        "\u00c4\u00e9\u00ef\u00ed\u00f5\u00f3\u00e9\u00ef\u00f2", "Διονυσιος"),
                Arguments.of("chrH31", new String[] {"", "ISO 2022 IR 87"},
                        "Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B=\u001b$B$d$^$@\u001b(B^"
                                + "\u001b$B$?$m$&\u001b(B",
                        "Yamada^Tarou=山田^太郎=やまだ^たろう"),
                Arguments.of("chrH32", new String[] {"ISO 2022 IR 13", "ISO 2022 IR 87"},
                        "\u00d4\u00cf\u00c0\u00de^\u00c0\u00db\u00b3=\u001b$B;3ED\u001b(J^\u001b$BB@O:\u001b(J="
                                + "\u001b$B$d$^$@\u001b(J^\u001b$B$?$m$&\u001b(J",
                        "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"),
                Arguments.of("chrHbrw", new String[] {"ISO_IR 138"},
                        "\u00f9\u00f8\u00e5\u00ef^\u00e3\u00e1\u00e5\u00f8\u00e4", "שרון^דבורה"),
                Arguments.of("chrI2", new String[] {"", "ISO 2022 IR 149"},
                        "Hong^Gildong=\u001b$)C\u00fb\u00f3^\u001b$)C\u00d1\u00ce\u00d4\u00d7=\u001b$)C\u00c8\u00ab^"
                                + "\u001b$)C\u00b1\u00e6\u00b5\u00bf",
                        "Hong^Gildong=洪^吉洞=홍^길동"),
                // Note the Latin "ce", "y", "p" in the original: the file really mixes scripts.
                Arguments.of("chrRuss", new String[] {"ISO_IR 144"},
                        "\u00bb\u00ee\u00dace\u00dc\u00d1yp\u00d3", "Люкceмбypг"),
                Arguments.of("chrX1", new String[] {"ISO_IR 192"},
                        "Wang^XiaoDong=\u00e7\u008e\u008b^\u00e5\u00b0\u008f\u00e6\u009d\u00b1=", "Wang^XiaoDong=王^小東="),
                Arguments.of("chrX2", new String[] {"GB18030"},
                        "Wang^XiaoDong=\u00cd\u00f5^\u00d0\u00a1\u00b6\u00ab=", "Wang^XiaoDong=王^小东="));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pydicomVectors")
    void decodesRealFilePatientNames(String file, String[] terms, String bytes, String expected) {
        assertEquals(expected, cs(terms).decode(b(bytes), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pydicomVectors")
    void encodesRealFilePatientNamesToTheOriginalBytes(String file, String[] terms, String bytes, String expected) {
        assertBytes(b(bytes), cs(terms).encode(expected, true));
    }

    // ---------------------------------------------------------------------------------------------
    // Constructed vectors for the sets the corpus does not cover

    @Test
    void gb2312InG1PerPs35AnnexK() {
        // PS3.5 Annex K example: Zhang^XiaoDong=张^小东= with value 1 empty, GB 2312 designated into G1.
        SpecificCharacterSet set = cs("", "ISO 2022 IR 58");
        byte[] encoded = b("Zhang^XiaoDong=\u001b$)A\u00d5\u00c5^\u001b$)A\u00d0\u00a1\u00b6\u00ab=");
        assertEquals("Zhang^XiaoDong=张^小东=", set.decode(encoded, true));
        assertBytes(encoded, set.encode("Zhang^XiaoDong=张^小东=", true));
        // The padded form as stored in a file keeps its trailing space.
        assertEquals("Zhang^XiaoDong=张^小东= ", set.decode(b("Zhang^XiaoDong=\u001b$)A\u00d5\u00c5^\u001b$)A"
                + "\u00d0\u00a1\u00b6\u00ab= "), true));
    }

    @Test
    void jisX0212InG0() {
        // 鷗 is only in JIS X 0212 (row 0x6C, cell 0x3F); the rest is JIS X 0208.
        SpecificCharacterSet set = cs("", "ISO 2022 IR 87", "ISO 2022 IR 159");
        String name = "Mori^Ogai=森^鷗外=もり^おうがい";
        byte[] encoded = b("Mori^Ogai=\u001b$B?9\u001b(B^\u001b$(Dl?\u001b$B30\u001b(B=\u001b$B$b$j\u001b(B^"
                + "\u001b$B$*$&$,$$\u001b(B");
        assertEquals(name, set.decode(encoded, true));
        assertBytes(encoded, set.encode(name, true));
    }

    @Test
    void jisX0212Alone() {
        SpecificCharacterSet set = cs("", "ISO 2022 IR 159");
        assertEquals("鷗", set.decode(b("\u001b$(Dl?\u001b(B"), false));
        assertBytes(b("\u001b$(Dl?\u001b(B"), set.encode("鷗", false));
        // Not in JIS X 0212, and JIS X 0208 is not listed.
        assertThrows(IllegalArgumentException.class, () -> set.encode("森", false));
    }

    @Test
    void jisC6226EscapeIsReadAsJisX0208() {
        assertEquals("山田", cs("", "ISO 2022 IR 87").decode(b("\u001b$@;3ED\u001b(B"), false));
    }

    @Test
    void koreanMultiValuedLongString() {
        SpecificCharacterSet set = cs("", "ISO 2022 IR 149");
        String value = "홍길동\\Hong\\길동";
        byte[] encoded = set.encode(value, false);
        // G1 resets at each backslash, so every value designates KS X 1001 again.
        assertBytes(b("\u001b$)C\u00c8\u00ab\u00b1\u00e6\u00b5\u00bf\\Hong\\\u001b$)C\u00b1\u00e6\u00b5\u00bf"), encoded);
        assertEquals(value, set.decode(encoded, false));
    }

    @Test
    void koreanWithIr149AsValueOneNeedsNoEscape() {
        // Some systems write only "ISO 2022 IR 149"; then KS X 1001 is in G1 from the start (like EUC-KR).
        SpecificCharacterSet set = cs("ISO 2022 IR 149");
        assertEquals("홍^길동", set.decode(b("\u00c8\u00ab^\u00b1\u00e6\u00b5\u00bf"), true));
        assertBytes(b("\u00c8\u00ab^\u00b1\u00e6\u00b5\u00bf"), set.encode("홍^길동", true));
    }

    // ---------------------------------------------------------------------------------------------
    // Round trips for every supported term

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of("ISO_IR 100", "Buc^Jérôme=Ærøskøbing ÿ ¡¿ ß"),
                Arguments.of("ISO_IR 101", "Dvořák^Antonín=Łódź Žluťoučký kůň"),
                Arguments.of("ISO_IR 109", "Ġużeppi^Ħabib=Ĉu ĝi ŝanĝiĝas"),
                Arguments.of("ISO_IR 110", "Ķēniņš^Ģirts=Ūdris ŖŅ"),
                Arguments.of("ISO_IR 144", "Люксембург^Ёжик"),
                Arguments.of("ISO_IR 127", "قباني^لنزار"),
                Arguments.of("ISO_IR 126", "Διονυσιος^Ωμέγα"),
                Arguments.of("ISO_IR 138", "שרון^דבורה"),
                Arguments.of("ISO_IR 148", "Çağrı^Şükrü=İğdır"),
                Arguments.of("ISO_IR 203", "Œuvre^Šárka=€ Ÿ ž"),
                Arguments.of("ISO_IR 13", "ﾔﾏﾀﾞ^ﾀﾛｳ=Yamada"),
                Arguments.of("ISO_IR 166", "สมชาย^ใจดี"),
                Arguments.of("ISO_IR 192", "Wang^XiaoDong=王^小東=😀 Ωé"),
                Arguments.of("GB18030", "Wang^XiaoDong=王^小东=𠀀"),
                Arguments.of("GBK", "Wang^XiaoDong=王^小東="));
    }

    private static boolean hasIso2022Form(String term) {
        return term.startsWith("ISO_IR") && !term.equals("ISO_IR 192");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void singleTermRoundTrip(String term, String text) {
        SpecificCharacterSet set = cs(term);
        assertTrue(set.isKnown());
        assertFalse(set.usesCodeExtensions());
        byte[] encoded = set.encode(text, true);
        assertEquals(text, set.decode(encoded, true));
        assertEquals(text, set.decode(encoded, false));
    }

    @ParameterizedTest(name = "ISO 2022 form of {0}")
    @MethodSource("samples")
    void iso2022FormRoundTripAlone(String term, String text) {
        if (!hasIso2022Form(term)) {
            return; // UTF-8, GB18030 and GBK have no ISO 2022 form
        }
        SpecificCharacterSet set = cs(term.replace("ISO_IR", "ISO 2022 IR"));
        assertTrue(set.isKnown());
        assertTrue(set.usesCodeExtensions());
        byte[] encoded = set.encode(text, true);
        // Value 1's G1 set is active from the start: no escape sequences are needed at all.
        assertBytes(cs(term).encode(text, true), encoded);
        assertEquals(text, set.decode(encoded, true));
    }

    @ParameterizedTest(name = "ISO 2022 form of {0} as a second value")
    @MethodSource("samples")
    void iso2022FormRoundTripAsExtension(String term, String text) {
        if (!hasIso2022Form(term)) {
            return;
        }
        String iso2022 = term.replace("ISO_IR", "ISO 2022 IR");
        SpecificCharacterSet set = cs("", iso2022);
        byte[] encoded = set.encode(text, true);
        assertEquals(text, set.decode(encoded, true));
        assertTrue(new String(encoded, StandardCharsets.ISO_8859_1).contains("\u001b"), "escape expected");
    }

    @ParameterizedTest
    @EnumSource(value = GraphicSet.class, names = {"JIS_X0208", "JIS_X0212", "KS_X1001", "GB2312",
        "ISO_8859_1", "ISO_8859_2", "ISO_8859_3", "ISO_8859_4", "ISO_8859_5", "ISO_8859_6", "ISO_8859_7",
        "ISO_8859_8", "ISO_8859_9", "ISO_8859_15", "TIS_620", "JIS_X0201_KATAKANA"})
    void everyCharacterOfEveryGraphicSetRoundTrips(GraphicSet graphicSet) {
        String term;
        switch (graphicSet) {
            case JIS_X0208: term = "ISO 2022 IR 87"; break;
            case JIS_X0212: term = "ISO 2022 IR 159"; break;
            case KS_X1001: term = "ISO 2022 IR 149"; break;
            case GB2312: term = "ISO 2022 IR 58"; break;
            case ISO_8859_1: term = "ISO 2022 IR 100"; break;
            case ISO_8859_2: term = "ISO 2022 IR 101"; break;
            case ISO_8859_3: term = "ISO 2022 IR 109"; break;
            case ISO_8859_4: term = "ISO 2022 IR 110"; break;
            case ISO_8859_5: term = "ISO 2022 IR 144"; break;
            case ISO_8859_6: term = "ISO 2022 IR 127"; break;
            case ISO_8859_7: term = "ISO 2022 IR 126"; break;
            case ISO_8859_8: term = "ISO 2022 IR 138"; break;
            case ISO_8859_9: term = "ISO 2022 IR 148"; break;
            case ISO_8859_15: term = "ISO 2022 IR 203"; break;
            case TIS_620: term = "ISO 2022 IR 166"; break;
            default: term = "ISO 2022 IR 13"; break;
        }
        StringBuilder all = new StringBuilder();
        int count = 0;
        if (graphicSet.isMultiByte()) {
            for (int b1 = 0x21; b1 <= 0x7E; b1++) {
                for (int b2 = 0x21; b2 <= 0x7E; b2++) {
                    char c = graphicSet.decode(b1, b2);
                    if (c != GraphicSet.UNMAPPED && c >= 0xA0) {
                        all.append(c).append(' ');
                        count++;
                    }
                }
            }
            assertTrue(count > 5000, "suspiciously small table: " + count);
        } else {
            for (int p = 0x20; p <= 0x7F; p++) {
                char c = graphicSet.decode(p);
                if (c != GraphicSet.UNMAPPED) {
                    all.append(c);
                    count++;
                }
            }
            assertTrue(count >= 40, "suspiciously small table: " + count);
        }
        String text = all.toString();
        SpecificCharacterSet extension = cs("", term);
        assertEquals(text, extension.decode(extension.encode(text, false), false));
        assertEquals(text, extension.decode(extension.encode(text, true), true));
        if (!graphicSet.isMultiByte()) {
            SpecificCharacterSet plain = cs(term.replace("ISO 2022 IR", "ISO_IR"));
            assertEquals(text, plain.decode(plain.encode(text, false), false));
        }
    }

    @Test
    void japaneseFullRoundTripWithAllThreeJapaneseSets() {
        SpecificCharacterSet set = cs("ISO 2022 IR 13", "ISO 2022 IR 87", "ISO 2022 IR 159");
        String text = "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう\\Mori^鷗外 ABC\r\nｶﾀｶﾅ 森鷗外\t漢字";
        assertEquals(text, set.decode(set.encode(text, true), true));
        assertEquals(text, set.decode(set.encode(text, false), false));
    }

    @Test
    void severalG1SetsInOneValue() {
        SpecificCharacterSet set = cs("ISO 2022 IR 100", "ISO 2022 IR 144", "ISO 2022 IR 126");
        String text = "Jérôme^Люк=Διονυσιος é\\éΩ";
        byte[] encoded = set.encode(text, true);
        assertEquals(text, set.decode(encoded, true));
        assertEquals(text, set.decode(encoded, false));
        // Value 1's G1 is designated again before each delimiter and at the end, for strict decoders too.
        String raw = new String(encoded, StandardCharsets.ISO_8859_1);
        assertTrue(raw.startsWith("J\u00e9r\u00f4me^\u001b-L"), raw);
        assertTrue(raw.endsWith("\u001b-A"), raw);
    }

    @Test
    void mixedCjkRoundTrip() {
        SpecificCharacterSet set = cs("", "ISO 2022 IR 87", "ISO 2022 IR 149", "ISO 2022 IR 58", "ISO 2022 IR 100");
        String text = "山田^太郎=홍길동=张小东 é ü\\ÀÉ 한글 かな";
        byte[] encoded = set.encode(text, true);
        assertEquals(text, set.decode(encoded, true));
    }

    @Test
    void firstTermIsPreferred() {
        // 小 is in JIS X 0208, KS X 1001 and GB 2312; the first listed set must win.
        assertBytes(b("\u001b$B>.\u001b(B"), cs("", "ISO 2022 IR 87", "ISO 2022 IR 58").encode("小", false));
        assertBytes(b("\u001b$)A\u00d0\u00a1"), cs("", "ISO 2022 IR 58", "ISO 2022 IR 87").encode("小", false));
    }

    // ---------------------------------------------------------------------------------------------
    // Delimiters and state resets (PS3.5 6.1.2.5.3)

    @Test
    void g1ResetsAtPersonNameDelimitersOnlyForPersonNames() {
        SpecificCharacterSet set = cs("ISO 2022 IR 100", "ISO 2022 IR 144");
        byte[] value = b("\u001b-L\u00bb^\u00bb=\u00bb\\\u00bb");
        assertEquals("Л^»=»\\»", set.decode(value, true));
        assertEquals("Л^Л=Л\\»", set.decode(value, false));
    }

    @Test
    void controlCharactersResetMultiByteG0() {
        SpecificCharacterSet set = cs("", "ISO 2022 IR 87");
        // A non-conforming value that forgets ESC ( B before the line break.
        assertEquals("山\r\n;3", set.decode(b("\u001b$B;3\r\n;3"), false));
        assertEquals("山\t;3", set.decode(b("\u001b$B;3\t;3"), false));
    }

    @Test
    void delimiterBytesInsideDoubleByteCharactersAreNotDelimiters() {
        // ま is 0x24 0x5E: the second byte is '^' but must not split the name.
        SpecificCharacterSet set = cs("", "ISO 2022 IR 87");
        assertEquals("ま^ま", set.decode(b("\u001b$B$^\u001b(B^\u001b$B$^\u001b(B"), true));
    }

    @Test
    void encoderSwitchesG0BackBeforeAsciiAndAtTheEnd() {
        SpecificCharacterSet set = cs("", "ISO 2022 IR 87");
        assertBytes(b("\u001b$B;3\u001b(B A\u001b$BED\u001b(B"), set.encode("山 A田", false));
        // Romaji, not ASCII, is the G0 of ISO 2022 IR 13.
        assertBytes(b("\u00b1\u001b$B;3\u001b(J"), cs("ISO 2022 IR 13", "ISO 2022 IR 87").encode("ｱ山", false));
    }

    @Test
    void spaceInsideDoubleByteRunIsSpace() {
        assertEquals("山 田", cs("", "ISO 2022 IR 87").decode(b("\u001b$B;3 ED\u001b(B"), false));
    }

    @Test
    void romajiDesignationDecodesAsAscii() {
        SpecificCharacterSet set = cs("", "ISO 2022 IR 13");
        assertEquals("ab\\c~", set.decode(b("\u001b(Jab\\c~\u001b(B"), false));
        assertEquals("ｱ", set.decode(b("\u001b)I\u00b1"), false));
    }

    // ---------------------------------------------------------------------------------------------
    // Damaged input: never throw, substitute U+FFFD

    @Test
    void malformedInputIsReplacedNotThrown() {
        SpecificCharacterSet jis = cs("", "ISO 2022 IR 87");
        assertEquals("山\uFFFD", jis.decode(b("\u001b$B;3E"), false)); // truncated pair
        assertEquals("\uFFFD\r", jis.decode(b("\u001b$B;\r"), false)); // pair cut by a control
        assertEquals("\uFFFD ", jis.decode(b("\u001b$B; "), false)); // lone first byte before a space

        SpecificCharacterSet korean = cs("", "ISO 2022 IR 149");
        assertEquals("\uFFFDA", korean.decode(b("\u001b$)C\u00c8A"), false)); // trail byte out of range
        assertEquals("\uFFFD", korean.decode(b("\u001b$)C\u00c8"), false)); // truncated

        assertEquals("a\uFFFDb", cs("ISO_IR 192").decode(b("a\u00ffb"), false));
        assertEquals("\uFFFD", cs("ISO_IR 13").decode(b("\u00e0"), false)); // beyond the katakana
        assertEquals("\uFFFD", cs("ISO_IR 109").decode(b("\u00a5"), false)); // hole in ISO-8859-3
    }

    @Test
    void truncatedAndUnknownEscapesAreKeptLiterally() {
        SpecificCharacterSet set = cs("", "ISO 2022 IR 87");
        assertEquals("A\u001b", set.decode(b("A\u001b"), false));
        assertEquals("A\u001b$", set.decode(b("A\u001b$"), false));
        // Unknown 96-set into G1: the sequence is kept and G1 falls back to ISO-8859-1.
        assertEquals("\u001b-Z\u00e9", set.decode(b("\u001b-Z\u00e9"), false));
        // Unknown G0 double-byte set: kept, G0 falls back to ASCII.
        assertEquals("\u001b$(Qab", set.decode(b("\u001b$(Qab"), false));
        // Locking shift (no intermediate): kept, state untouched.
        assertEquals("\u001bnab", set.decode(b("\u001bnab"), false));
    }

    @Test
    void undeclaredButKnownEscapesAreHonoured() {
        // Files are often labelled less precisely than they are encoded.
        assertEquals("Люк", cs("ISO 2022 IR 6").decode(b("\u001b-L\u00bb\u00ee\u00da"), false));
        assertEquals("山田", cs("", "ISO 2022 IR 149").decode(b("\u001b$B;3ED\u001b(B"), false));
    }

    @Test
    void escapeIsAPlainControlCharacterWithoutCodeExtensions() {
        assertEquals("\u001b$B;3", cs("ISO_IR 100").decode(b("\u001b$B;3"), false));
        assertEquals("\u001b$B;3", SpecificCharacterSet.DEFAULT.decode(b("\u001b$B;3"), false));
    }

    @Test
    void c1ControlsRoundTrip() {
        for (SpecificCharacterSet set : new SpecificCharacterSet[] {
            SpecificCharacterSet.DEFAULT, cs("ISO_IR 100"), cs("", "ISO 2022 IR 149"), cs("ISO 2022 IR 13")}) {
            assertEquals("a\u0085b\u009f", set.decode(set.encode("a\u0085b\u009f", false), false), set.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Default repertoire and unknown terms: lossless ISO-8859-1 fallback

    @Test
    void defaultRepertoire() {
        SpecificCharacterSet set = SpecificCharacterSet.DEFAULT;
        assertTrue(set.isKnown());
        assertFalse(set.usesCodeExtensions());
        assertEquals(0, set.terms().length);
        assertEquals("Doe^John", set.decode(b("Doe^John"), true));
        assertEquals("Jérôme", set.decode(b("J\u00e9r\u00f4me"), true));
        assertBytes(b("J\u00e9r\u00f4me"), set.encode("Jérôme", true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> set.encode("王", false));
        assertTrue(e.getMessage().contains("U+738B"), e.getMessage());
        assertTrue(e.getMessage().contains("default repertoire"), e.getMessage());
    }

    @Test
    void unknownTermsFallBackToLatin1() {
        SpecificCharacterSet set = cs("ISO_IR 999");
        assertFalse(set.isKnown());
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        String decoded = set.decode(all, false);
        assertEquals(new String(all, StandardCharsets.ISO_8859_1), decoded);
        assertArrayEquals(all, set.encode(decoded, false));

        SpecificCharacterSet mixed = cs("", "ISO 2022 IR 87", "ISO 2022 IR 999");
        assertFalse(mixed.isKnown());
        assertTrue(mixed.usesCodeExtensions());
        assertEquals("山é", mixed.decode(b("\u001b$B;3\u001b(B\u00e9"), false));
        assertEquals("山é", mixed.decode(mixed.encode("山é", false), false));
    }

    @Test
    void emptyTermsMeanDefault() {
        assertSame(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.valueOf());
        assertSame(SpecificCharacterSet.DEFAULT, SpecificCharacterSet.valueOf((String[]) null));
        SpecificCharacterSet empty = cs("");
        assertTrue(empty.isKnown());
        assertFalse(empty.usesCodeExtensions());
        assertEquals("é", empty.decode(b("\u00e9"), false));
        assertEquals("\u001b$B", empty.decode(b("\u001b$B"), false));
    }

    // ---------------------------------------------------------------------------------------------
    // Unrepresentable characters

    @Test
    void unrepresentableCharactersThrowWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cs("ISO_IR 100").encode("Wang^王", true));
        assertTrue(e.getMessage().contains("U+738B") && e.getMessage().contains("ISO_IR 100")
                && e.getMessage().contains("index 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cs("ISO_IR 13").encode("é", false));
        assertThrows(IllegalArgumentException.class, () -> cs("ISO_IR 144").encode("Ωμέγα", false));
        // Half-width katakana are not in JIS X 0208 and ISO 2022 IR 13 is not listed.
        assertThrows(IllegalArgumentException.class, () -> cs("", "ISO 2022 IR 87").encode("ｱ", false));
        assertThrows(IllegalArgumentException.class, () -> cs("", "ISO 2022 IR 149").encode("홍😀", false));
        assertThrows(IllegalArgumentException.class, () -> cs("GBK").encode("😀", false));
        assertThrows(IllegalArgumentException.class, () -> cs("ISO_IR 192").encode("a\ud800b", false));
        // After a G1 designation there is no ISO-8859-1 fallback left for é.
        assertThrows(IllegalArgumentException.class, () -> cs("", "ISO 2022 IR 149").encode("홍é", false));
        // ESC would start an escape sequence.
        assertThrows(IllegalArgumentException.class, () -> cs("", "ISO 2022 IR 87").encode("a\u001bb", false));
    }

    // ---------------------------------------------------------------------------------------------
    // Term handling and value semantics

    @Test
    void termsAreTrimmedAndKept() {
        SpecificCharacterSet set = cs("ISO 2022 IR 13 ", " ISO 2022 IR 87");
        assertArrayEquals(new String[] {"ISO 2022 IR 13", "ISO 2022 IR 87"}, set.terms());
        set.terms()[0] = "changed";
        assertEquals("ISO 2022 IR 13", set.terms()[0]);
        assertEquals("ISO 2022 IR 13\\ISO 2022 IR 87", set.toString());
    }

    @Test
    void rawMultiValuedStringIsSplit() {
        assertEquals(cs("", "ISO 2022 IR 87"), cs("\\ISO 2022 IR 87"));
    }

    @Test
    void equalsAndHashCodeFollowTerms() {
        assertEquals(cs("ISO_IR 100"), cs("ISO_IR 100 "));
        assertEquals(cs("ISO_IR 100").hashCode(), cs("ISO_IR 100").hashCode());
        assertNotEquals(cs("ISO_IR 100"), cs("ISO 2022 IR 100"));
        assertNotEquals(cs("ISO_IR 100"), SpecificCharacterSet.DEFAULT);
        assertEquals("", SpecificCharacterSet.DEFAULT.toString());
    }

    @Test
    void spellingVariantsAreRecognised() {
        SpecificCharacterSet set = cs("ISO_IR100");
        assertTrue(set.isKnown());
        assertEquals("é", set.decode(b("\u00e9"), false));
        assertTrue(cs("iso-ir 144").isKnown());
        assertTrue(cs("ISO_2022_IR_87").usesCodeExtensions());
        assertTrue(cs("ISO_IR 6").isKnown());
    }

    @Test
    void usesCodeExtensions() {
        assertTrue(cs("", "ISO 2022 IR 87").usesCodeExtensions());
        assertTrue(cs("ISO 2022 IR 100").usesCodeExtensions());
        assertFalse(cs("ISO_IR 192").usesCodeExtensions());
        assertFalse(cs("GB18030").usesCodeExtensions());
    }

    @Test
    void singleByteTermsWithoutIso2022PrefixStillSwitchWhenSeveralAreListed() {
        // Not conformant, but seen in the wild: treat like their ISO 2022 forms.
        SpecificCharacterSet set = cs("ISO_IR 100", "ISO_IR 144");
        assertEquals("é^Л", set.decode(set.encode("é^Л", true), true));
        assertEquals("ﾔ山", cs("ISO_IR 13", "ISO 2022 IR 87").decode(b("\u00d4\u001b$B;3\u001b(J"), false));
    }

    @Test
    void unicodeValueOneIgnoresFurtherValues() {
        SpecificCharacterSet set = cs("ISO_IR 192", "ISO 2022 IR 87");
        assertEquals("王\u001b$B", set.decode(b("\u00e7\u008e\u008b\u001b$B"), false));
    }

    @Test
    void nullAndEmptyValues() {
        assertEquals("", cs("ISO_IR 100").decode(null, false));
        assertEquals("", cs("ISO_IR 100").decode(new byte[0], false));
        assertEquals(0, cs("", "ISO 2022 IR 87").encode("", false).length);
        assertEquals(0, cs("", "ISO 2022 IR 87").encode(null, false).length);
    }

    @Nested
    class Concurrency {
        @Test
        void sharedInstanceIsSafeUnderConcurrentUse() throws Exception {
            SpecificCharacterSet set = cs("", "ISO 2022 IR 87", "ISO 2022 IR 149", "ISO 2022 IR 58");
            String text = "山田^太郎=홍길동=张小东";
            byte[] expected = set.encode(text, true);
            Thread[] threads = new Thread[8];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            assertEquals(text, set.decode(expected, true));
                            assertArrayEquals(expected, set.encode(text, true));
                        }
                    } catch (Throwable x) {
                        synchronized (failure) {
                            failure[0] = x;
                        }
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
        }
    }
}
