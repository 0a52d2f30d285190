package dev.fmplex.control.security;

import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.web.Blocking;
import dev.fmplex.web.ProblemWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every {@code /vfms/{id}...} request of a key that cannot see that vFM is answered 404 {@code
 * unknown-vfm}, the very answer a missing id gets, before any controller runs: a new endpoint under
 * {@code /vfms/{id}} cannot forget the check.
 */
final class VfmVisibilityFilter implements WebFilter {

    private static final Pattern VFM_PATH = Pattern.compile("^/vfms/([^/]+)(?:/.*)?$");

    private final VfmVisibility visibility;
    private final ProblemWriter problems;

    VfmVisibilityFilter(VfmVisibility visibility, ProblemWriter problems) {
        this.visibility = visibility;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Matcher path =
                VFM_PATH.matcher(exchange.getRequest().getPath().pathWithinApplication().value());
        if (!path.matches()) {
            return chain.filter(exchange);
        }
        String id = path.group(1);
        return problems.refuseOrContinue(
                exchange,
                Callers.current()
                        .filter(caller -> !caller.isAdmin())
                        .flatMap(caller -> hidden(caller, id)),
                () -> chain.filter(exchange));
    }

    /**
     * The 404 for a vFM the caller cannot see, or empty; reads the catalog only on a cache miss.
     */
    private Mono<FmplexException> hidden(Caller caller, String id) {
        String cached = visibility.cachedTenantOf(id);
        if (cached != null) {
            return caller.sees(cached, id)
                    ? Mono.empty()
                    : Mono.just(FmplexException.unknownVfm(id));
        }
        return Blocking.call(
                        () -> {
                            String tenant = visibility.tenantOf(id);
                            return java.util.Optional.ofNullable(
                                    tenant != null && caller.sees(tenant, id)
                                            ? null
                                            : FmplexException.unknownVfm(id));
                        })
                .flatMap(Mono::justOrEmpty);
    }
}
