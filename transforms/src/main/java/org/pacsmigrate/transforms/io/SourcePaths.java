package org.pacsmigrate.transforms.io;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The one text form of a source location, used in the manifest, in every report and between the job's steps:
 * the location's bytes read as UTF-8, with a percent-escape ({@code %XX}, upper-case hex) for exactly these bytes:
 * those that are not valid UTF-8, those of control characters (U+0000 to U+001F, U+007F to U+009F) and of the
 * line and paragraph separators U+2028 and U+2029, and {@code %} itself. Every other name, non-ASCII included,
 * stays as it reads. The form is reversible ({@link #unescape}), so a file whose name the platform's encoding
 * cannot represent (a Latin-1 name on a UTF-8 system, any non-ASCII name under {@code LANG=POSIX}) is still
 * named, reopened and verified byte for byte, and a manifest row is always one line.
 *
 * <p>Local names are taken as the raw bytes the directory holds: {@link Path#toUri()} percent-encodes a Unix
 * path's own bytes and {@link Path#of(URI)} restores them, whatever {@code sun.jnu.encoding} says, whereas
 * {@link Path#toString()} decodes them lossily.
 */
public final class SourcePaths {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private SourcePaths() {}

  /** The escaped text of a location's bytes. */
  public static String escape(byte[] bytes) {
    if (plainAscii(bytes)) {
      // Most names: printable ASCII without '%' reads as itself (a listing escapes every name it finds).
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    StringBuilder b = new StringBuilder(bytes.length + 8);
    int i = 0;
    while (i < bytes.length) {
      int length = utf8Length(bytes, i);
      if (length == 0) {
        appendEscaped(b, bytes, i, 1);
        i++;
        continue;
      }
      int cp = new String(bytes, i, length, StandardCharsets.UTF_8).codePointAt(0);
      if (mustEscape(cp)) {
        appendEscaped(b, bytes, i, length);
      } else {
        b.appendCodePoint(cp);
      }
      i += length;
    }
    return b.toString();
  }

  /** The escaped text of a location given as text (a Cloud Storage object's name is always UTF-8). */
  public static String escape(String text) {
    return escape(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The bytes an escaped text stands for. A {@code %} not followed by two hex digits stands for itself. */
  public static byte[] unescape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); ) {
      char c = text.charAt(i);
      if (c == '%' && hex(text, i + 1) >= 0 && hex(text, i + 2) >= 0) {
        out.write(hex(text, i + 1) << 4 | hex(text, i + 2));
        i += 3;
        continue;
      }
      int cp = text.codePointAt(i);
      byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      out.write(utf8, 0, utf8.length);
      i += Character.charCount(cp);
    }
    return out.toByteArray();
  }

  /** The text of an escaped location as a string (for URLs, whose names are UTF-8). */
  public static String unescapeToString(String text) {
    return new String(unescape(text), StandardCharsets.UTF_8);
  }

  /** True for a location on this machine's file system (not {@code gs://...} or another URL). */
  public static boolean isLocal(String location) {
    return !URL.matcher(location).matches() || location.startsWith("file://");
  }

  /** Compiled once: this is asked several times per file. */
  private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  /** The escaped text of a local path's own bytes, absolute. */
  public static String of(Path path) {
    return escape(bytes(path));
  }

  /**
   * A path's raw bytes, without the decoding {@link Path#toString()} does. A relative path keeps its relative
   * bytes (a symbolic link's target, say).
   */
  public static byte[] bytes(Path path) {
    String text = path.toString();
    if (plainAscii(text)) {
      // Printable ASCII other than '?' decodes to itself whatever sun.jnu.encoding is (every encoding a JVM
      // runs with on Unix is a superset of ASCII), and a byte that did not decode would have become '?' or
      // U+FFFD: so these are the path's bytes, without toUri (which also looks the file up, to append a "/").
      return text.getBytes(StandardCharsets.ISO_8859_1);
    }
    boolean relative = !path.isAbsolute();
    Path absolute = relative ? Path.of("/").resolve(path) : path;
    // toUri appends "/" to a directory's path (it looks the file up); the bytes are what comes before.
    String raw = absolute.toUri().getRawPath();
    if (raw.length() > 1 && raw.endsWith("/")) {
      raw = raw.substring(0, raw.length() - 1);
    }
    byte[] bytes = percentDecode(raw);
    if (relative) {
      byte[] shorter = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, shorter, 0, shorter.length);
      return shorter;
    }
    return bytes;
  }

  /** The local path an escaped location names, with exactly the bytes it stands for. */
  public static Path toPath(String location) {
    String text = location.startsWith("file://") ? location.substring("file://".length()) : location;
    if (plainAscii(text) && text.startsWith("/")) {
      // The bytes it stands for are its own characters, which Path.of encodes as they are.
      return Path.of(text);
    }
    byte[] bytes = unescape(text);
    if (bytes.length == 0 || bytes[0] != '/') {
      throw new IllegalArgumentException("not an absolute local path: " + location);
    }
    StringBuilder uri = new StringBuilder("file://");
    for (byte x : bytes) {
      int c = x & 0xff;
      if (c == 0) {
        throw new IllegalArgumentException("a NUL byte in a local path: " + location);
      }
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "/-._~".indexOf(c) >= 0)) {
        uri.append((char) c);
      } else {
        uri.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return Path.of(URI.create(uri.toString()));
  }

  /** Printable ASCII (0x20 to 0x7E) without '%' and '?': bytes that stand for themselves in every form above. */
  private static boolean plainAscii(byte[] bytes) {
    for (byte x : bytes) {
      if (x < 0x20 || x > 0x7e || x == '%' || x == '?') {
        return false;
      }
    }
    return true;
  }

  private static boolean plainAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '%' || c == '?') {
        return false;
      }
    }
    return true;
  }

  private static boolean mustEscape(int cp) {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == '%';
  }

  private static void appendEscaped(StringBuilder b, byte[] bytes, int from, int length) {
    for (int i = from; i < from + length; i++) {
      b.append('%').append(HEX[(bytes[i] >> 4) & 0xf]).append(HEX[bytes[i] & 0xf]);
    }
  }

  /** The length of the well-formed UTF-8 sequence at {@code i} (RFC 3629: no overlong form, no surrogate), or 0. */
  private static int utf8Length(byte[] b, int i) {
    int b0 = b[i] & 0xff;
    if (b0 < 0x80) {
      return 1;
    }
    int length;
    int min;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      length = 3;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      length = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + length > b.length) {
      return 0;
    }
    int cp = b0 & (0xff >> (length + 1));
    for (int k = 1; k < length; k++) {
      int c = b[i + k] & 0xff;
      if ((c & 0xc0) != 0x80) {
        return 0;
      }
      cp = cp << 6 | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return 0;
    }
    return length;
  }

  private static int hex(String s, int i) {
    return i < s.length() ? Character.digit(s.charAt(i), 16) : -1;
  }

  private static byte[] percentDecode(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && hex(raw, i + 1) >= 0 && hex(raw, i + 2) >= 0) {
        out.write(hex(raw, i + 1) << 4 | hex(raw, i + 2));
        i += 2;
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
      }
    }
    return out.toByteArray();
  }
}
