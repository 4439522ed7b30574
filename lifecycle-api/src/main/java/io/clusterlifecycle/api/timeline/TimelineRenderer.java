package io.clusterlifecycle.api.timeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Renders a {@link Timeline} as a Mermaid Gantt chart or an HTML page with an SVG chart. */
final class TimelineRenderer {
  private static final int LABEL_WIDTH = 300;
  private static final int CHART_WIDTH = 900;
  private static final int ROW = 20;
  private static final int TOP = 70;

  private TimelineRenderer() {}

  static String mermaid(Timeline t) {
    StringBuilder out = new StringBuilder("gantt\n");
    out.append("    title ").append(plain(title(t))).append('\n');
    out.append("    dateFormat x\n");
    out.append("    axisFormat %M:%S\n");
    for (Timeline.Lane lane : t.stages()) {
      out.append("    section ").append(plain(lane.stage())).append('\n');
      for (Timeline.Bar b : lane.bars()) {
        out.append("    ")
            .append(plain(b.label()))
            .append(" :")
            .append(
                switch (b.outcome()) {
                  case SUCCEEDED -> "done, ";
                  case FAILED -> "crit, ";
                  case UNFINISHED -> "active, ";
                })
            .append(b.start().toEpochMilli())
            .append(", ")
            // a bar of no length is not drawn: every run shows at least a millisecond
            .append(Math.max(b.end().toEpochMilli(), b.start().toEpochMilli() + 1))
            .append('\n');
      }
    }
    return out.toString();
  }

  static String html(Timeline t) {
    int rows = t.stages().stream().mapToInt(l -> 1 + l.bars().size()).sum();
    int height = TOP + rows * ROW + 30;
    long span = Math.max(1, t.duration().toMillis());
    long tick = tick(span);
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            LABEL_WIDTH + CHART_WIDTH + 20,
            height));
    for (long at = 0; at <= span; at += tick) {
      int x = x(t, t.start().plusMillis(at));
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
              x,
              TOP - 8,
              x,
              height - 20,
              x,
              TOP - 14,
              seconds(Duration.ofMillis(at))));
    }
    int y = TOP;
    for (Timeline.Lane lane : t.stages()) {
      String fill = lane.failed() ? "#f4b6b6" : "#b9d3f0";
      svg.append(row(t, y, lane.stage(), true, lane.start(), lane.end(), fill, lane.stage()));
      y += ROW;
      for (Timeline.Bar b : lane.bars()) {
        String color =
            switch (b.outcome()) {
              case SUCCEEDED -> "#4caf50";
              case FAILED -> "#d32f2f";
              case UNFINISHED -> "#9e9e9e";
            };
        String tip =
            b.label()
                + ": "
                + b.outcome().name().toLowerCase(Locale.ROOT)
                + " in "
                + seconds(b.duration())
                + b.detail().map(d -> " (" + d + ")").orElse("");
        svg.append(row(t, y, b.label(), false, b.start(), b.end(), color, tip));
        y += ROW;
      }
    }
    svg.append("</svg>\n");
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        + html(title(t))
        + "</title>\n<style>body{font-family:sans-serif;margin:16px}"
        + " .failed{color:#d32f2f}</style>\n</head>\n<body>\n<h1>"
        + html(title(t))
        + "</h1>\n"
        + t.error().map(e -> "<p class=\"failed\">" + html(e) + "</p>\n").orElse("")
        + "<p>green: succeeded, red: failed, grey: unfinished (running, or run again after its"
        + " engine died); hover a bar for its step.</p>\n"
        + svg
        + "</body>\n</html>\n";
  }

  private static String row(
      Timeline t,
      int y,
      String label,
      boolean stage,
      Instant from,
      Instant to,
      String fill,
      String tip) {
    int x0 = x(t, from);
    int width = Math.max(2, x(t, to) - x0);
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\"%s>%s</text>"
            + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>%n",
        stage ? 4 : 16,
        y + 14,
        stage ? " font-weight=\"bold\"" : "",
        html(shorten(label)),
        x0,
        y + 3,
        width,
        ROW - 6,
        fill,
        html(tip));
  }

  private static int x(Timeline t, Instant at) {
    long span = Math.max(1, t.duration().toMillis());
    long from = Math.max(0, Duration.between(t.start(), at).toMillis());
    return LABEL_WIDTH + (int) Math.round((double) Math.min(from, span) * CHART_WIDTH / span);
  }

  /** A tick interval of 1, 2 or 5 times a power of ten milliseconds, about ten per chart. */
  static long tick(long spanMillis) {
    long step = 1;
    while (true) {
      for (long m : new long[] {1, 2, 5}) {
        if (spanMillis / (step * m) <= 10) {
          return step * m;
        }
      }
      step *= 10;
    }
  }

  private static String title(Timeline t) {
    return t.type().name().toLowerCase(Locale.ROOT)
        + " "
        + t.operationId()
        + " on "
        + t.clusterName()
        + ": "
        + t.state().name()
        + " in "
        + seconds(t.duration());
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
  }

  private static String shorten(String s) {
    return s.length() <= 45 ? s : s.substring(0, 44) + "…";
  }

  /** Mermaid gantt text takes no colon, semicolon or hash in a name. */
  private static String plain(String s) {
    return s.replaceAll("[:;#]", " ").replace('\n', ' ');
  }

  private static String html(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
