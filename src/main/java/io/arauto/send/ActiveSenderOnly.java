package io.arauto.send;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.StartupListener;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.stereotype.Component;

/**
 * The route policy {@code activeSenderOnly}: a route that names it ({@code routePolicy: activeSenderOnly})
 * runs only while this instance is the active sender. It does not start with Camel's other routes; it
 * starts once Camel has started and this instance leads, and stops when the lead goes (the messages of a batch not yet
 * claimed then stay QUEUED: MessageSender stops claiming the moment the lead goes).
 */
@Component("activeSenderOnly")
public class ActiveSenderOnly extends RoutePolicySupport implements StartupListener {

    private static final Logger log = LoggerFactory.getLogger(ActiveSenderOnly.class);

    private final ActiveSender sender;
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private boolean ready;

    public ActiveSenderOnly(ActiveSender sender) {
        this.sender = sender;
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        route.setAutoStartup(false); // started below, where this instance leads
        if (routes.isEmpty()) {
            try {
                route.getCamelContext().addStartupListener(this);
            } catch (Exception e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
        }
        routes.add(route);
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes can be started once Camel has fully started, below
    }

    /** Camel has started: the routes can be started now. */
    @Override
    public synchronized void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        ready = true;
        follow();
    }

    /** Arauto is stopping: Camel stops the routes itself, whatever becomes of the lead meanwhile. */
    @EventListener(ContextClosedEvent.class)
    public synchronized void closing() {
        ready = false;
    }

    @EventListener({OnGrantedEvent.class, OnRevokedEvent.class})
    @Order(1) // after ActiveSender has taken note
    public synchronized void leadChanged() {
        follow();
    }

    private void follow() {
        if (!ready) {
            return;
        }
        for (Route route : routes) {
            try {
                if (sender.leading()) {
                    startRoute(route);
                } else {
                    // waits for the batch in hand, which claims nothing more (MessageSender), so a new lead cannot come
                    // (on this same thread) before the route has stopped
                    stopRoute(route);
                }
            } catch (Exception e) {
                log.warn("Route {} could not be {} as this instance's lead changed: {}", route.getRouteId(),
                        sender.leading() ? "started" : "stopped", e.getMessage());
            }
        }
    }
}
