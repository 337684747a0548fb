package org.pacsmigrate.transforms.reconcile;

/**
 * Keeps a spreadsheet from running a cell of the reviewer's CSV files as a formula (CSV injection, as OWASP
 * describes it): a cell that begins with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return is
 * written with a single quote {@code '} in front, which spreadsheets show as text.
 *
 * <p>The scheme is reversible, so values survive the round trip through {@code --resolutions} exactly: a cell
 * that begins with a quote is quoted too ({@code 'O'Brien} is written {@code ''O'Brien}), and reading removes one
 * leading quote from every cell that has one. So a hand-written resolutions file whose value really begins with a
 * quote writes it doubled, as the template does.
 */
public final class SpreadsheetCells {
  public static final char QUOTE = '\'';

  private SpreadsheetCells() {}

  /** The cell as written to a CSV a reviewer opens in a spreadsheet; null stays null. */
  public static String neutralise(String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    return switch (value.charAt(0)) {
      case '=', '+', '-', '@', '\t', '\r', QUOTE -> QUOTE + value;
      default -> value;
    };
  }

  /** The value a cell written by {@link #neutralise} stands for; null stays null. */
  public static String restore(String cell) {
    if (cell == null || cell.isEmpty() || cell.charAt(0) != QUOTE) {
      return cell;
    }
    return cell.substring(1);
  }

  /** {@link #neutralise} applied to each field, for {@code Csv.line}. */
  public static String[] neutralise(String... fields) {
    String[] out = new String[fields.length];
    for (int i = 0; i < fields.length; i++) {
      out[i] = neutralise(fields[i]);
    }
    return out;
  }
}
