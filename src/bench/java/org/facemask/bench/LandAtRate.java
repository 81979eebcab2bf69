package org.facemask.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * LandAtRate SOURCE_FOLDER LANDING RATE SECONDS: copies the .jpg files under SOURCE_FOLDER (cycled, in name order)
 * into LANDING at RATE files a second for SECONDS, each written under a hidden name and renamed in, as an uploader
 * should. File i is due at start + i / RATE, so the rate holds however long a copy takes (a late copy is not
 * followed by a burst beyond the schedule). Prints the files landed and the rate achieved. One JVM, no process per
 * file: a shell loop forking cp and mv cannot keep 100 files a second on a loaded 2-core machine.
 * Used by src/bench/stream-latency.sh.
 */
public final class LandAtRate {
    private LandAtRate() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        List<Path> images;
        try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
            images = files.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().toList();
        }
        Path landing = Path.of(args[1]);
        double rate = Double.parseDouble(args[2]);
        long total = Math.round(rate * Double.parseDouble(args[3]));
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            Path hidden = landing.resolve("." + i + ".jpg.part");
            Files.copy(images.get((int) (i % images.size())), hidden, StandardCopyOption.REPLACE_EXISTING);
            Files.move(hidden, landing.resolve(i + ".jpg"), StandardCopyOption.ATOMIC_MOVE);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("landed %d files in %.1f s (%.1f files/s offered)%n", total, seconds, total / seconds);
    }
}
