package dev.fmplex.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The request sequence that stalls an unguarded Reactor Netty 1.3.6 server, over a raw socket: the
 * first two requests go out in one write, so the second is buffered behind the first; it has no
 * body and is answered at once (as a worker's pause or unload is), which is the path on which the
 * server stops reading. The third then goes out on its own.
 */
final class PipelinedRequests {

    private PipelinedRequests() {}

    /**
     * Sends {@code POST /one}, {@code DELETE /two}, then {@code POST /three} with {@code body}.
     *
     * @return the third response's status line and body, or "stalled" when none came within 5 s
     */
    static String thirdResponse(int port, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String first = "POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none";
            String second = "DELETE /two HTTP/1.1\r\nHost: x\r\n\r\n";
            out.write((first + second).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            readResponse(in);
            readResponse(in);
            String third =
                    "POST /three HTTP/1.1\r\nHost: x\r\nContent-Length: "
                            + body.length()
                            + "\r\n\r\n"
                            + body;
            out.write(third.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try {
                return readResponse(in);
            } catch (SocketTimeoutException e) {
                return "stalled";
            }
        }
    }

    /** One chunked or sized response: its status line, a blank line, and its body. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        String status = head.substring(0, head.indexOf("\r\n"));
        String lower = head.toLowerCase(java.util.Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                int size = Integer.parseInt(readLine(in).trim(), 16);
                if (size == 0) {
                    readLine(in);
                    break;
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        } else if (lower.contains("content-length:")) {
            int at = lower.indexOf("content-length:");
            int end = lower.indexOf("\r\n", at);
            int length = Integer.parseInt(lower.substring(at + 15, end).trim());
            body.write(in.readNBytes(length));
        }
        return status + "\r\n\r\n" + body.toString(StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in a response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (!line.toString().endsWith("\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in a chunk");
            }
            line.append((char) b);
        }
        return line.toString();
    }
}
