package org.pacsmigrate.format.charset;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The character set(s) named by Specific Character Set (0008,0005), able to decode and encode text
 * values (PS3.5 section 6.1, PS3.3 C.12.1.1.2).
 *
 * <p>Three decoding regimes exist:
 * <ul>
 *   <li>A single single-byte term without code extensions ({@code ISO_IR 100} ...) and the default
 *       repertoire: bytes below 0x80 are ASCII, the rest come from the term's upper half. Escape bytes
 *       are ordinary control characters.</li>
 *   <li>{@code ISO_IR 192}, {@code GB18030}, {@code GBK} as value 1: the whole value goes through the
 *       JDK charset; these cannot be combined with code extensions, so further values are ignored.</li>
 *   <li>Code extensions (any {@code ISO 2022} term, or several values): an ISO 2022 state machine with
 *       G0 (bytes 0x21-0x7E) and G1 (bytes 0xA0-0xFF) designated by escape sequences. Every escape
 *       sequence this class knows is honoured even when its term is not listed, because real files are
 *       often labelled less precisely than they are encoded.</li>
 * </ul>
 *
 * <p>Lossless fallback: where no G1 set is designated (default repertoire, unknown terms, or a code
 * extension set whose value 1 has no G1), bytes 0x80-0xFF are read as ISO-8859-1, and {@link #encode}
 * writes characters U+0080..U+00FF back as those bytes, so text read from mislabelled files survives a
 * decode/encode cycle unchanged. C1 control bytes 0x80-0x9F always decode to U+0080..U+009F.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SpecificCharacterSet {

    /** The default repertoire (ISO-IR 6, ASCII; bytes >= 0x80 decoded as ISO-8859-1 rather than lost). */
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet(new String[0]);

    private static final int ESC = 0x1B;
    private static final char REPLACEMENT = '\uFFFD';

    /** What one defined term contributes; a null {@code wholeValue} means it works through G0/G1. */
    private static final class Term {
        final boolean iso2022;
        final GraphicSet g0;
        final GraphicSet g1;
        final Charset wholeValue;

        Term(boolean iso2022, GraphicSet g0, GraphicSet g1, Charset wholeValue) {
            this.iso2022 = iso2022;
            this.g0 = g0;
            this.g1 = g1;
            this.wholeValue = wholeValue;
        }
    }

    /** Defined terms keyed by {@link #lookupKey}, so spelling variants like "ISO_IR100" are recognised. */
    private static final Map<String, Term> TERMS = new HashMap<>();

    static {
        Object[][] singleByte = {
            {"100", GraphicSet.ISO_8859_1}, {"101", GraphicSet.ISO_8859_2}, {"109", GraphicSet.ISO_8859_3},
            {"110", GraphicSet.ISO_8859_4}, {"144", GraphicSet.ISO_8859_5}, {"127", GraphicSet.ISO_8859_6},
            {"126", GraphicSet.ISO_8859_7}, {"138", GraphicSet.ISO_8859_8}, {"148", GraphicSet.ISO_8859_9},
            {"203", GraphicSet.ISO_8859_15}, {"166", GraphicSet.TIS_620}, {"13", GraphicSet.JIS_X0201_KATAKANA},
        };
        for (Object[] row : singleByte) {
            String number = (String) row[0];
            GraphicSet upper = (GraphicSet) row[1];
            GraphicSet lower = upper == GraphicSet.JIS_X0201_KATAKANA ? GraphicSet.JIS_X0201_ROMAN : GraphicSet.ASCII;
            define("ISO_IR " + number, new Term(false, lower, upper, null));
            define("ISO 2022 IR " + number, new Term(true, lower, upper, null));
        }
        define("ISO 2022 IR 6", new Term(true, GraphicSet.ASCII, null, null));
        // Not a defined term, but written by some systems for the default repertoire.
        define("ISO_IR 6", new Term(false, GraphicSet.ASCII, null, null));
        define("ISO 2022 IR 87", new Term(true, GraphicSet.JIS_X0208, null, null));
        define("ISO 2022 IR 159", new Term(true, GraphicSet.JIS_X0212, null, null));
        define("ISO 2022 IR 149", new Term(true, null, GraphicSet.KS_X1001, null));
        define("ISO 2022 IR 58", new Term(true, null, GraphicSet.GB2312, null));
        define("ISO_IR 192", new Term(false, null, null, StandardCharsets.UTF_8));
        define("GB18030", new Term(false, null, null, Charset.forName("GB18030")));
        define("GBK", new Term(false, null, null, Charset.forName("GBK")));
    }

    private static void define(String name, Term term) {
        TERMS.put(lookupKey(name), term);
    }

    private static String lookupKey(String term) {
        StringBuilder key = new StringBuilder(term.length());
        for (char c : term.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c != ' ' && c != '_' && c != '-') {
                key.append(c);
            }
        }
        return key.toString();
    }

    private final String[] terms;
    private final boolean known;
    private final boolean codeExtensions;
    /** Non-null when value 1 is UTF-8, GB18030 or GBK: the whole value uses this charset. */
    private final Charset wholeValue;
    /** Whether the ISO 2022 state machine (escape sequences) is active. */
    private final boolean iso2022;
    /** The designations value 1 establishes, which are restored at every delimiter. */
    private final GraphicSet initialG0;
    private final GraphicSet initialG1;
    /** Sets the encoder may designate when the current ones lack a character, in term order. */
    private final List<Designation> candidates;

    /** A graphic set together with the element (G0 or G1) a term designates it into. */
    private static final class Designation {
        final GraphicSet set;
        final boolean g1;

        Designation(GraphicSet set, boolean g1) {
            this.set = set;
            this.g1 = g1;
        }
    }

    private SpecificCharacterSet(String[] terms) {
        this.terms = terms;
        Term[] resolved = new Term[terms.length];
        boolean allKnown = true;
        boolean anyIso2022 = false;
        for (int i = 0; i < terms.length; i++) {
            // An empty value 1 stands for ISO 2022 IR 6 (C.12.1.1.2); an empty later value means nothing.
            boolean impliedIr6 = i == 0 && terms[i].isEmpty();
            resolved[i] = TERMS.get(lookupKey(impliedIr6 ? "ISO 2022 IR 6" : terms[i]));
            if (resolved[i] == null) {
                allKnown = false;
            }
            // The implied ISO 2022 IR 6 does not count: only terms actually written do.
            if (!impliedIr6 && (lookupKey(terms[i]).startsWith("ISO2022")
                    || (resolved[i] != null && resolved[i].iso2022))) {
                anyIso2022 = true;
            }
        }
        this.known = allKnown;
        this.codeExtensions = anyIso2022;

        Term first = resolved.length > 0 ? resolved[0] : null;
        // A lone empty term is the default repertoire, not a request for code extensions.
        boolean loneEmpty = terms.length == 1 && terms[0].isEmpty();
        if (first != null && first.wholeValue != null) {
            wholeValue = first.wholeValue;
            iso2022 = false;
        } else {
            wholeValue = null;
            iso2022 = !loneEmpty && (terms.length > 1 || (first != null && first.iso2022));
        }
        GraphicSet g0 = GraphicSet.ASCII;
        GraphicSet g1 = null;
        if (first != null && first.wholeValue == null && !loneEmpty) {
            // A double-byte G0 set cannot be the initial state: delimiters must stay recognisable.
            if (first.g0 != null && !first.g0.isMultiByte()) {
                g0 = first.g0;
            }
            g1 = first.g1;
        }
        initialG0 = g0;
        initialG1 = g1;

        List<Designation> list = new ArrayList<>();
        for (Term term : resolved) {
            if (term == null || term.wholeValue != null || (!iso2022 && term != first)) {
                continue;
            }
            if (term.g1 != null) {
                list.add(new Designation(term.g1, true));
            }
            if (term.g0 != null && !term.g0.isAsciiLike()) {
                list.add(new Designation(term.g0, false));
            }
        }
        candidates = List.copyOf(list);
    }

    /**
     * From the values of (0008,0005) as stored (each value already split on backslash, may have padding
     * spaces; the first value may be empty ""). null or empty array -> DEFAULT. Never throws for unknown
     * terms: unknown terms are kept and decoding falls back to ISO-8859-1 for them (so no byte is lost),
     * and isKnown() returns false.
     */
    public static SpecificCharacterSet valueOf(String... terms) {
        if (terms == null || terms.length == 0) {
            return DEFAULT;
        }
        List<String> cleaned = new ArrayList<>(terms.length);
        for (String term : terms) {
            if (term == null) {
                cleaned.add("");
                continue;
            }
            // Tolerate callers that pass the raw multi-valued string.
            for (String part : term.split("\\\\", -1)) {
                cleaned.add(part.trim());
            }
        }
        return new SpecificCharacterSet(cleaned.toArray(new String[0]));
    }

    /** The terms as given, trimmed. */
    public String[] terms() {
        return terms.clone();
    }

    /** False if any term is not recognised. */
    public boolean isKnown() {
        return known;
    }

    /** True when any term is an "ISO 2022 ..." term. */
    public boolean usesCodeExtensions() {
        return codeExtensions;
    }

    // ------------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Decodes a text value (one whole element value, which may contain several values separated by
     * '\\'). With code extensions, G0 and G1 return to the designations of value 1 at every '\\', CR,
     * LF, FF and TAB, and for person names also at '^' and '=' (PS3.5 6.1.2.5.3). While a double-byte
     * set is in G0, bytes are read in pairs, so a delimiter byte there is part of a character: correctly
     * encoded values always switch G0 back before a delimiter. Undecodable bytes become U+FFFD.
     */
    public String decode(byte[] value, boolean personName) {
        if (value == null || value.length == 0) {
            return "";
        }
        if (wholeValue != null) {
            // String(byte[], Charset) substitutes U+FFFD for malformed input.
            return new String(value, wholeValue);
        }
        return new Decoder(value, personName).run();
    }

    /** One decoding pass; holds the mutable G0/G1 state. */
    private final class Decoder {
        private final byte[] in;
        private final boolean personName;
        private final StringBuilder out;
        private GraphicSet g0 = initialG0;
        /** null: nothing designated, GR bytes fall back to ISO-8859-1. */
        private GraphicSet g1 = initialG1;

        Decoder(byte[] in, boolean personName) {
            this.in = in;
            this.personName = personName;
            this.out = new StringBuilder(in.length);
        }

        String run() {
            int i = 0;
            while (i < in.length) {
                int b = in[i] & 0xFF;
                if (b == ESC && iso2022) {
                    i = escape(i);
                } else if (b < 0x20 || b == 0x7F) {
                    out.append((char) b);
                    if (isLineBreakOrTab(b)) {
                        reset();
                    }
                    i++;
                } else if (b < 0x80) {
                    i = graphicLeft(i, b);
                } else if (b < 0xA0) {
                    // C1 controls are never part of a GR character.
                    out.append((char) b);
                    i++;
                } else {
                    i = graphicRight(i, b);
                }
            }
            return out.toString();
        }

        private void reset() {
            g0 = initialG0;
            g1 = initialG1;
        }

        /** Bytes 0x20-0x7E, interpreted through G0. */
        private int graphicLeft(int i, int b) {
            if (b == 0x20) {
                // SPACE is fixed in ISO 2022, whatever G0 holds.
                out.append(' ');
                return i + 1;
            }
            if (g0.isMultiByte()) {
                int next = i + 1 < in.length ? in[i + 1] & 0xFF : -1;
                if (next >= 0x21 && next <= 0x7E) {
                    out.append(g0.decode(b, next));
                    return i + 2;
                }
                // A lone first byte: replace it and let the following byte be read on its own.
                out.append(REPLACEMENT);
                return i + 1;
            }
            char c = g0.decode(b);
            out.append(c);
            if (c == '\\' || (personName && (c == '^' || c == '='))) {
                reset();
            }
            return i + 1;
        }

        /** Bytes 0xA0-0xFF, interpreted through G1. */
        private int graphicRight(int i, int b) {
            if (g1 == null) {
                out.append((char) b);
                return i + 1;
            }
            if (g1.isMultiByte()) {
                int next = i + 1 < in.length ? in[i + 1] & 0xFF : -1;
                if (b != 0xA0 && b != 0xFF && next >= 0xA1 && next <= 0xFE) {
                    out.append(g1.decode(b & 0x7F, next & 0x7F));
                    return i + 2;
                }
                out.append(REPLACEMENT);
                return i + 1;
            }
            out.append(g1.decode(b & 0x7F));
            return i + 1;
        }

        /**
         * Handles ESC at {@code i}; returns the index after the sequence. Unrecognised sequences are
         * copied to the output as characters (nothing is lost) and the element they address falls back
         * to ASCII / ISO-8859-1, since whatever they designate cannot be decoded anyway.
         */
        private int escape(int i) {
            int end = i + 1;
            while (end < in.length && (in[end] & 0xFF) >= 0x20 && (in[end] & 0xFF) <= 0x2F) {
                end++;
            }
            if (end >= in.length || (in[end] & 0xFF) < 0x30 || (in[end] & 0xFF) > 0x7E) {
                // Truncated or malformed: keep the ESC, let the following bytes be decoded normally.
                out.append((char) ESC);
                return i + 1;
            }
            String intermediates = new String(in, i + 1, end - i - 1, StandardCharsets.ISO_8859_1);
            int fin = in[end] & 0xFF;
            GraphicSet.Size size;
            Boolean toG1;
            switch (intermediates) {
                case "(": size = GraphicSet.Size.CS94; toG1 = false; break;
                case ")": size = GraphicSet.Size.CS94; toG1 = true; break;
                case "-": size = GraphicSet.Size.CS96; toG1 = true; break;
                case "$(": size = GraphicSet.Size.CS94x94; toG1 = false; break;
                case "$)": size = GraphicSet.Size.CS94x94; toG1 = true; break;
                case "$":
                    // The short form only exists for G0 and final bytes @, A, B.
                    size = GraphicSet.Size.CS94x94;
                    toG1 = fin >= '@' && fin <= 'B' ? Boolean.FALSE : null;
                    break;
                default: size = null; toG1 = null; break;
            }
            GraphicSet set = size == null || toG1 == null ? null : GraphicSet.forDesignation(size, fin);
            if (set == null) {
                out.append(new String(in, i, end + 1 - i, StandardCharsets.ISO_8859_1));
                if (Boolean.TRUE.equals(toG1)) {
                    g1 = null;
                } else if (Boolean.FALSE.equals(toG1)) {
                    g0 = GraphicSet.ASCII;
                }
            } else if (toG1) {
                g1 = set;
            } else {
                g0 = set;
            }
            return end + 1;
        }
    }

    private static boolean isLineBreakOrTab(int c) {
        return c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    // ------------------------------------------------------------------------------------------------
    // Encoding

    /**
     * Encodes a Java string back to bytes for this character set. For code-extension sets, the sets of
     * value 1 are used for characters they can represent, and escape sequences designate the other
     * listed sets when needed; G0 (and, when value 1 designates one, G1) is switched back before every
     * delimiter and at the end of the value. Round-trips: {@code decode(encode(s)).equals(s)}.
     *
     * @throws IllegalArgumentException if a character cannot be represented
     */
    public byte[] encode(String value, boolean personName) {
        if (value == null || value.isEmpty()) {
            return new byte[0];
        }
        if (wholeValue != null) {
            return encodeWhole(value);
        }
        return new Encoder(value, personName).run();
    }

    private byte[] encodeWhole(String value) {
        CharsetEncoder encoder = wholeValue.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] bytes;
        try {
            ByteBuffer buffer = encoder.encode(CharBuffer.wrap(value));
            bytes = Arrays.copyOf(buffer.array(), buffer.limit());
        } catch (CharacterCodingException e) {
            // The failed encoder is spent; a fresh one finds the culprit for the message.
            throw unrepresentable(value, firstUnencodable(value, wholeValue.newEncoder()));
        }
        // GBK and GB18030 have a few one-way mappings; refuse rather than silently change text.
        if (wholeValue != StandardCharsets.UTF_8 && !new String(bytes, wholeValue).equals(value)) {
            throw new IllegalArgumentException("'" + value + "' does not survive a round trip through "
                    + wholeValue.name() + " (Specific Character Set " + describe() + ")");
        }
        return bytes;
    }

    private static int firstUnencodable(String value, CharsetEncoder encoder) {
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            if (!encoder.canEncode(new String(Character.toChars(cp)))) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return 0;
    }

    private IllegalArgumentException unrepresentable(String value, int index) {
        int cp = value.codePointAt(index);
        return new IllegalArgumentException(String.format(
                "character '%s' (U+%04X) at index %d of '%s' cannot be encoded with Specific Character Set %s",
                new String(Character.toChars(cp)), cp, index, value, describe()));
    }

    /** One encoding pass; mirrors the decoder's G0/G1 state so that the decoder sees what we meant. */
    private final class Encoder {
        private final String in;
        private final boolean personName;
        private final ByteArrayOutputStream out;
        private GraphicSet g0 = initialG0;
        private GraphicSet g1 = initialG1;

        Encoder(String in, boolean personName) {
            this.in = in;
            this.personName = personName;
            this.out = new ByteArrayOutputStream(in.length() + 16);
        }

        byte[] run() {
            for (int i = 0; i < in.length(); i++) {
                char c = in.charAt(i);
                if (c < 0x80) {
                    ascii(c);
                } else if (c < 0xA0) {
                    out.write(c); // C1 control, decoded back as itself in every regime
                } else {
                    graphic(c, i);
                }
            }
            restoreInitial();
            return out.toByteArray();
        }

        private void ascii(char c) {
            if (c == ESC && iso2022) {
                throw new IllegalArgumentException("ESC (U+001B) cannot be encoded in a value using code"
                        + " extensions, it would start an escape sequence: '" + in + "'");
            }
            boolean delimiter = c == '\\' || isLineBreakOrTab(c) || (personName && (c == '^' || c == '='));
            if (delimiter || c < 0x20 || c == 0x7F) {
                // PS3.5 6.1.2.5.3: value 1's sets must be active before delimiters and control characters.
                restoreInitial();
            } else if (!g0.isAsciiLike()) {
                // Only ASCII-like G0 sets hold ASCII; go back to value 1's rather than designate a new one.
                designate(initialG0, false);
            }
            out.write(c);
            if (delimiter) {
                // The decoder resets here even where we could not say so explicitly (no initial G1).
                g0 = initialG0;
                g1 = initialG1;
            }
        }

        private void graphic(char c, int index) {
            if (g1 != null && tryWrite(g1, true, c)) {
                return;
            }
            if (g0.isMultiByte() && tryWrite(g0, false, c)) {
                return;
            }
            if (iso2022) {
                for (Designation d : candidates) {
                    int code = d.set.encode(c);
                    if (code >= 0) {
                        designate(d.set, d.g1);
                        write(d.set, d.g1, code);
                        return;
                    }
                }
            } else if (g1 != null) {
                throw unrepresentable(in, index);
            }
            if (g1 == null && c <= 0xFF) {
                // Nothing designated in G1: GR bytes mean ISO-8859-1 to the decoder.
                out.write(c);
                return;
            }
            throw unrepresentable(in, index);
        }

        private boolean tryWrite(GraphicSet set, boolean inG1, char c) {
            int code = set.encode(c);
            if (code < 0) {
                return false;
            }
            write(set, inG1, code);
            return true;
        }

        private void write(GraphicSet set, boolean inG1, int code) {
            int high = inG1 ? 0x80 : 0;
            if (set.isMultiByte()) {
                out.write((code >> 8) | high);
                out.write((code & 0xFF) | high);
            } else {
                out.write(code | high);
            }
        }

        private void designate(GraphicSet set, boolean inG1) {
            if (inG1 ? g1 == set : g0 == set) {
                return;
            }
            out.writeBytes(set.escapeSequence(inG1));
            if (inG1) {
                g1 = set;
            } else {
                g0 = set;
            }
        }

        /**
         * Switches back to value 1's designations. G1 can only be switched back explicitly when value 1
         * designates something there; otherwise the decoder's reset at the next delimiter does it.
         */
        private void restoreInitial() {
            if (!iso2022) {
                return;
            }
            designate(initialG0, false);
            if (initialG1 != null) {
                designate(initialG1, true);
            }
        }
    }

    private String describe() {
        return terms.length == 0 ? "default repertoire" : "'" + this + "'";
    }

    // ------------------------------------------------------------------------------------------------

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecificCharacterSet && Arrays.equals(terms, ((SpecificCharacterSet) o).terms);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(terms);
    }

    /** The value of (0008,0005) as it would be stored: the terms joined by '\\' (empty for DEFAULT). */
    @Override
    public String toString() {
        return String.join("\\", terms);
    }
}
