package io.arauto.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class SendConfig {

    /** The threads that wait on the provider, so slow answers don't slow the pace. */
    @Bean(destroyMethod = "shutdown")
    public ExecutorService sendPool(ArautoProperties properties) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(properties.getSend().getConcurrency(), r -> {
            Thread t = new Thread(r, "arauto-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
