package dev.fmplex.worker;

import dev.fmplex.web.ProblemDetailsAdvice;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Runs a worker as its own process (distributed topology). */
// A worker holds no durable state; should database libraries be on its classpath (tests, a
// shared fat jar), it still must not try to open a DataSource.
@SpringBootApplication(
        excludeName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration"
        })
@Import(ProblemDetailsAdvice.class)
public class WorkerApplication {

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        SpringApplication.run(WorkerApplication.class, args);
    }
}
