package io.berth.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's text/tabwriter in the configurations docker uses (minwidth 10, or 20 for top;
 * tabwidth 1, padding 3, pad with spaces, no flags). Cells end at a tab; a column's width is set by the widest cell
 * of a block of consecutive lines that have that column. Written by hand: no Java library
 * aligns text by Go's elastic tabstop rules.
 */
final class TabWriter {
    private final int minWidth;
    private final int padding;
    private final List<List<String>> lines = new ArrayList<>();
    private final List<Integer> widths = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();

    private TabWriter(int minWidth, int padding) {
        this.minWidth = minWidth;
        this.padding = padding;
    }

    /** Aligns text the way docker's table output does. */
    static String align(String text) {
        return align(text, 10);
    }

    /** The same with another minimum cell width (docker top's is 20). */
    static String align(String text, int minWidth) {
        TabWriter writer = new TabWriter(minWidth, 3);
        for (String line : text.split("\n", -1)) {
            writer.lines.add(List.of(line.split("\t", -1)));
        }
        writer.format(0, writer.lines.size());
        return writer.out.toString();
    }

    /** Go's format(): finds column blocks recursively, one column deeper per level. */
    private void format(int line0, int line1) {
        int column = widths.size();
        for (int current = line0; current < line1; current++) {
            if (column >= lines.get(current).size() - 1) {
                continue;
            }
            writeLines(line0, current);
            line0 = current;
            int width = minWidth;
            for (; current < line1; current++) {
                List<String> line = lines.get(current);
                if (column >= line.size() - 1) {
                    break;
                }
                width = Math.max(width, runeCount(line.get(column)) + padding);
            }
            widths.add(width);
            format(line0, current);
            widths.remove(widths.size() - 1);
            line0 = current;
            current--;
        }
        writeLines(line0, line1);
    }

    private void writeLines(int from, int to) {
        for (int i = from; i < to; i++) {
            List<String> cells = lines.get(i);
            for (int j = 0; j < cells.size(); j++) {
                String cell = cells.get(j);
                out.append(cell);
                if (j < widths.size()) {
                    out.append(" ".repeat(Math.max(0, widths.get(j) - runeCount(cell))));
                }
            }
            if (i + 1 < lines.size()) {
                out.append('\n');
            }
        }
    }

    private static int runeCount(String s) {
        return s.codePointCount(0, s.length());
    }
}
