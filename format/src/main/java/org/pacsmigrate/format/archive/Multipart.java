package org.pacsmigrate.format.archive;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The framing of frame and bulk data entries: one multipart/related body with one part (README). Its length
 * is known before the data is written (head + data + tail), which is what lets the writer stream frames into a
 * STORED entry and a reader find the data without scanning for the boundary.
 */
public final class Multipart {
  /** A bound on what precedes the data, so a damaged entry cannot make a reader buffer without limit. */
  public static final int MAX_HEAD = 4096;
  private static final String CRLF = "\r\n";

  private Multipart() {}

  /**
   * One part as read from an entry: its media type, its {@code transfer-syntax} parameter (null if absent), the
   * data length and a stream of exactly the data bytes. The tail is checked when the data has been read to its
   * end; closing the body closes the entry's stream.
   */
  public record Part(String mediaType, String transferSyntax, long length, InputStream body) implements Closeable {
    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /** "{media type}; transfer-syntax={uid}", the Content-Type of a part. */
  public static String contentType(String mediaType, String transferSyntax) {
    return mediaType + "; transfer-syntax=" + Uids.requireValid(transferSyntax, "Transfer Syntax UID");
  }

  /** Boundary line, Content-Type line and the blank line, with {@link ArchiveLayout#BOUNDARY}. */
  public static byte[] head(String contentType) {
    return head(contentType, ArchiveLayout.BOUNDARY);
  }

  public static byte[] head(String contentType, String boundary) {
    checkBoundary(boundary);
    if (contentType == null || contentType.isEmpty() || !isHeaderText(contentType)) {
      throw new IllegalArgumentException("a Content-Type must be printable ASCII on one line");
    }
    return ("--" + boundary + CRLF + "Content-Type: " + contentType + CRLF + CRLF).getBytes(StandardCharsets.US_ASCII);
  }

  /** CRLF, the closing boundary line and CRLF, with {@link ArchiveLayout#BOUNDARY}. */
  public static byte[] tail() {
    return tail(ArchiveLayout.BOUNDARY);
  }

  public static byte[] tail(String boundary) {
    checkBoundary(boundary);
    return (CRLF + "--" + boundary + "--" + CRLF).getBytes(StandardCharsets.US_ASCII);
  }

  /** Head and tail together: an entry is this much longer than its data. */
  public static long overhead(String contentType) {
    return head(contentType).length + tail().length;
  }

  /**
   * The HTTP Content-Type for answering with an entry's bytes as they are (PS3.18 8.7.3.3.2), for example
   * {@code multipart/related; type="image/jpeg"; boundary=...}.
   */
  public static String responseContentType(String mediaType, String boundary) {
    checkBoundary(boundary);
    if (mediaType == null || !isHeaderText(mediaType) || mediaType.indexOf('"') >= 0) {
      throw new IllegalArgumentException("not a media type that can be quoted");
    }
    boolean token = boundary.chars().allMatch(c -> Character.isLetterOrDigit(c) || "'+_-.".indexOf(c) >= 0);
    return "multipart/related; type=\"" + mediaType + "\"; boundary=" + (token ? boundary : "\"" + boundary + "\"");
  }

  public static String responseContentType(String mediaType) {
    return responseContentType(mediaType, ArchiveLayout.BOUNDARY);
  }

  /**
   * As {@link #responseContentType(String, String)} with the part's {@code transfer-syntax} parameter as well
   * (PS3.18 8.7.3.5.2), so a client that reads only the response headers knows what the frames are:
   * {@code multipart/related; type="image/jpeg"; transfer-syntax=1.2.840.10008.1.2.4.50; boundary=...}.
   */
  public static String responseContentType(String mediaType, String transferSyntax, String boundary) {
    String type = responseContentType(mediaType, boundary);
    if (transferSyntax == null) {
      return type;
    }
    int at = type.lastIndexOf("; boundary=");
    return type.substring(0, at) + "; transfer-syntax=" + Uids.requireValid(transferSyntax, "Transfer Syntax UID")
        + type.substring(at);
  }

  /**
   * Reads the head of an entry of {@code entryLength} bytes and returns the part, positioned at its data. The
   * boundary comes from the first line, so parts written with any boundary are read.
   */
  public static Part read(InputStream in, long entryLength) throws IOException {
    InputStream buffered = new BufferedInputStream(in, MAX_HEAD);
    int[] consumed = {0};
    String first = line(buffered, consumed);
    if (!first.startsWith("--")) {
      throw new MultipartException("entry does not start with a multipart boundary line");
    }
    String boundary = first.substring(2);
    try {
      checkBoundary(boundary);
    } catch (IllegalArgumentException e) {
      throw new MultipartException("entry's boundary line is not a valid boundary");
    }
    String contentType = null;
    for (String header = line(buffered, consumed); !header.isEmpty(); header = line(buffered, consumed)) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new MultipartException("malformed part header line");
      }
      if (header.substring(0, colon).trim().equalsIgnoreCase("Content-Type")) {
        if (contentType != null) {
          throw new MultipartException("part has two Content-Type headers");
        }
        contentType = header.substring(colon + 1).trim();
      }
    }
    if (contentType == null) {
      throw new MultipartException("part has no Content-Type header");
    }
    byte[] tail = tail(boundary);
    long length = entryLength - consumed[0] - tail.length;
    if (length < 0) {
      throw new MultipartException("entry of " + entryLength + " bytes is shorter than its framing");
    }
    return new Part(mediaType(contentType), parameter(contentType, "transfer-syntax"), length,
        new PartBody(buffered, length, tail));
  }

  private static String line(InputStream in, int[] consumed) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("entry ends inside the part's head");
      }
      if (++consumed[0] > MAX_HEAD) {
        throw new MultipartException("part head is longer than " + MAX_HEAD + " bytes");
      }
      if (c == '\r') {
        int lf = in.read();
        consumed[0]++;
        if (lf != '\n') {
          throw new MultipartException("part head line is not ended by CRLF");
        }
        return b.toString(StandardCharsets.US_ASCII);
      }
      if (c == '\n' || c > 0x7E || c < 0x20 && c != '\t') {
        throw new MultipartException("part head holds a byte that is not header text");
      }
      b.write(c);
    }
  }

  private static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }

  /** A parameter's value, unquoted; null when absent. Names compare case-insensitively (RFC 2045 5.1). */
  static String parameter(String contentType, String name) {
    String[] fields = contentType.split(";");
    for (int i = 1; i < fields.length; i++) {
      int eq = fields[i].indexOf('=');
      if (eq > 0 && fields[i].substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name)) {
        String value = fields[i].substring(eq + 1).trim();
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
            ? value.substring(1, value.length() - 1) : value;
      }
    }
    return null;
  }

  /** RFC 2046 5.1.1: 1 to 70 of its boundary characters; a trailing space is allowed there but not here. */
  private static void checkBoundary(String boundary) {
    if (boundary == null || boundary.isEmpty() || boundary.length() > 70
        || !boundary.chars().allMatch(c -> c < 0x7F && (Character.isLetterOrDigit(c) || "'()+_,-./:=?".indexOf(c) >= 0))) {
      throw new IllegalArgumentException("not a valid multipart boundary");
    }
  }

  private static boolean isHeaderText(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
  }
}
