package dev.fmplex.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Runs a worker as its own process (distributed topology). */
@SpringBootApplication
public class WorkerApplication {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(WorkerApplication.class, args);
    }
}
