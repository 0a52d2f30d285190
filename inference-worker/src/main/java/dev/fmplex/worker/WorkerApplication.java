package dev.fmplex.worker;

import dev.fmplex.web.ProblemDetailsAdvice;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Runs a worker as its own process (distributed topology). */
@SpringBootApplication
@Import(ProblemDetailsAdvice.class)
public class WorkerApplication {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(WorkerApplication.class, args);
    }
}
