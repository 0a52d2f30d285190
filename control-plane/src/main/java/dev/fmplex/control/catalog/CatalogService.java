package dev.fmplex.control.catalog;

import dev.fmplex.model.api.CreateVfmRequest;
import dev.fmplex.model.api.UpdateVfmRequest;
import dev.fmplex.model.api.VersionView;
import dev.fmplex.model.api.VfmView;
import dev.fmplex.model.backbone.BackboneDescriptor;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import dev.fmplex.model.task.TaskRules;
import dev.fmplex.model.task.TaskSpec;
import dev.fmplex.model.vfm.Quota;
import dev.fmplex.model.vfm.VfmDeployment;
import dev.fmplex.model.vfm.VfmState;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates and stores the definitions: backbones, vFMs, their versions and artifacts. Whether a
 * change is allowed in the vFM's state, and its audit, are the lifecycle's ({@code
 * dev.fmplex.control.lifecycle.VfmLifecycle}), which calls these methods inside its own
 * transaction. Blocking (JPA): callers on the event loop go through {@link
 * dev.fmplex.web.Blocking}.
 */
@Service
public class CatalogService {

    private static final Logger log = LoggerFactory.getLogger(CatalogService.class);

    private final BackboneRepository backbones;
    private final VfmRepository vfms;
    private final VersionRepository versions;
    private final ArtifactRepository artifacts;
    private final JsonMapper json;
    private final Clock clock;

    /**
     * Serving deployments by vFM id, so the infer path does not touch the database. Entries are
     * dropped after any transaction that changes the vFM commits.
     */
    private final Map<String, VfmDeployment> servingCache = new ConcurrentHashMap<>();

    /**
     * Bumped by every eviction: a lookup that read the database before an eviction must not put its
     * (possibly stale) result back after it.
     */
    private final java.util.concurrent.atomic.AtomicLong cacheGeneration =
            new java.util.concurrent.atomic.AtomicLong();

    CatalogService(
            BackboneRepository backbones,
            VfmRepository vfms,
            VersionRepository versions,
            ArtifactRepository artifacts,
            JsonMapper json) {
        this.backbones = backbones;
        this.vfms = vfms;
        this.versions = versions;
        this.artifacts = artifacts;
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    /** Records (or refreshes) the backbones a worker reports. */
    @Transactional
    public void registerBackbones(List<BackboneDescriptor> descriptors) {
        Instant now = clock.instant();
        for (BackboneDescriptor descriptor : descriptors) {
            backbones
                    .findById(descriptor.name())
                    .ifPresentOrElse(
                            existing -> existing.update(descriptor, now),
                            () -> backbones.save(new BackboneEntity(descriptor, now)));
            log.info(
                    "Registered backbone {} ({} layers, hidden {})",
                    descriptor.name(),
                    descriptor.layers(),
                    descriptor.hiddenSize());
        }
    }

    @Transactional(readOnly = true)
    public List<BackboneDescriptor> backbones() {
        return backbones.findAll().stream().map(BackboneEntity::toDescriptor).toList();
    }

    /**
     * @param tenant the owning tenant, already authorized for the caller; its existence is checked
     *     by the database's foreign key
     */
    @Transactional
    public VfmView create(String tenant, CreateVfmRequest request) {
        double weight = CreateVfmValidator.validate(request);
        BackboneEntity backbone = backbones.findById(request.backbone()).orElse(null);
        if (backbone == null) {
            throw new FmplexException(
                    ProblemType.UNKNOWN_BACKBONE,
                    "backbone",
                    "backbone '"
                            + request.backbone()
                            + "' is not registered; known: "
                            + backbones.findAll().stream().map(BackboneEntity::name).toList(),
                    Map.of("backbone", request.backbone()),
                    null);
        }
        TaskRules.check(request.task(), backbone.toDescriptor());
        if (vfms.existsByTenantAndName(tenant, request.name())) {
            throw duplicateName(request.name(), null);
        }
        // A task without trained weights (embedding) has a complete version 1 at once; the
        // others wait in CREATED for their first uploaded version.
        boolean complete = !request.task().needsHead();
        Instant now = clock.instant();
        VfmEntity entity =
                new VfmEntity(
                        UUID.randomUUID(),
                        tenant,
                        request.name(),
                        request.backbone(),
                        weight,
                        json.writeValueAsString(request.task()),
                        request.quota() == null ? null : json.writeValueAsString(request.quota()),
                        complete ? 1 : 0,
                        complete ? VfmState.ACTIVE : VfmState.CREATED,
                        now);
        try {
            vfms.saveAndFlush(entity);
        } catch (DataIntegrityViolationException e) {
            // Two concurrent creates with one name: the unique constraint decides.
            throw duplicateName(request.name(), e);
        }
        if (complete) {
            versions.save(new VfmVersionEntity(entity.id(), 1, now));
        }
        log.info(
                "Created vFM {} ({}) of tenant {} on {}",
                entity.name(),
                entity.id(),
                tenant,
                entity.backbone());
        return toView(entity);
    }

    /** Every vFM, oldest first. */
    @Transactional(readOnly = true)
    public List<VfmView> list() {
        return vfms.findAllByOrderByCreatedAtAsc().stream().map(this::toView).toList();
    }

    /** The vFMs of one tenant, oldest first. */
    @Transactional(readOnly = true)
    public List<VfmView> list(String tenant) {
        return vfms.findAllByTenantOrderByCreatedAtAsc(tenant).stream().map(this::toView).toList();
    }

    /** The vFM called {@code name} in {@code tenant}, if there is one. */
    @Transactional(readOnly = true)
    public java.util.Optional<VfmView> findByName(String tenant, String name) {
        return vfms.findByTenantAndName(tenant, name).map(this::toView);
    }

    @Transactional(readOnly = true)
    public VfmView get(String id) {
        return toView(find(id));
    }

    /**
     * Stores an accepted version with its files; {@link #activate} then makes it the serving one.
     *
     * @param expectedCurrent the version the upload was validated against; another upload that
     *     landed first makes this one a 409
     * @return the vFM as it is before the new version serves
     */
    @Transactional
    public VfmView storeVersion(String id, int expectedCurrent, Map<String, byte[]> files) {
        VfmEntity entity = find(id);
        if (entity.version() != expectedCurrent) {
            throw new FmplexException(
                    ProblemType.VERSION_CONFLICT,
                    null,
                    "vFM "
                            + id
                            + " moved to version "
                            + entity.version()
                            + " while this upload was validated; upload again");
        }
        int version = expectedCurrent + 1;
        Instant now = clock.instant();
        evictAfterCommit(id);
        versions.save(new VfmVersionEntity(entity.id(), version, now));
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            artifacts.save(
                    new ArtifactEntity(
                            entity.id(),
                            version,
                            file.getKey(),
                            file.getValue(),
                            sha256(file.getValue())));
        }
        return toView(entity);
    }

    /** Makes a stored {@code version} the serving one; a paused vFM stays paused. */
    @Transactional
    public VfmView activate(String id, int version) {
        VfmEntity entity = find(id);
        evictAfterCommit(id);
        entity.activate(version, clock.instant());
        return toView(entity);
    }

    /** The files of one version, by name. */
    @Transactional(readOnly = true)
    public Map<String, byte[]> artifacts(String id, int version) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (ArtifactEntity artifact : artifacts.findVersion(find(id).id(), version)) {
            files.put(artifact.fileName(), artifact.content());
        }
        return files;
    }

    /**
     * Every vFM a worker should hold: serving ones and paused ones (loaded, but refusing new
     * requests), as deployments of their current version.
     */
    @Transactional(readOnly = true)
    public List<VfmDeployment> loadableDeployments() {
        return vfms.findAllByOrderByCreatedAtAsc().stream()
                .filter(e -> e.state() == VfmState.ACTIVE || e.state() == VfmState.PAUSED)
                .map(this::deploymentOf)
                .toList();
    }

    /** Whether the vFM is paused (its worker must refuse new requests). */
    @Transactional(readOnly = true)
    public boolean isPaused(String id) {
        return find(id).state() == VfmState.PAUSED;
    }

    /** The deployment of {@code id} at its current version, whatever its state. */
    @Transactional(readOnly = true)
    public VfmDeployment deployment(String id) {
        return deploymentOf(find(id));
    }

    /** Moves the vFM to {@code to}; the lifecycle has checked that its state allows it. */
    @Transactional
    public VfmView moveTo(String id, VfmState to) {
        VfmEntity entity = find(id);
        evictAfterCommit(id);
        entity.moveTo(to, clock.instant());
        return toView(entity);
    }

    /** {@code PATCH /vfms/{id}}: weight and quota, validated like at creation. */
    @Transactional
    public VfmView update(String id, UpdateVfmRequest request) {
        VfmEntity entity = find(id);
        if (request.weight() != null
                && (!(request.weight() > 0) || request.weight() > CreateVfmValidator.MAX_WEIGHT)) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "weight",
                    "weight must be > 0 and <= "
                            + CreateVfmValidator.MAX_WEIGHT
                            + ", is "
                            + request.weight());
        }
        if (request.quota() != null
                && request.quota().maxInputsPerRequest() != null
                && request.quota().maxInputsPerRequest() < 1) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "quota.maxInputsPerRequest",
                    "quota.maxInputsPerRequest must be >= 1");
        }
        evictAfterCommit(id);
        entity.update(
                request.weight(),
                request.quota() == null ? null : json.writeValueAsString(request.quota()),
                request.quota() != null,
                clock.instant());
        return toView(entity);
    }

    /**
     * {@code DELETE /vfms/{id}}: the vFM, its versions and artifacts go (its audit, kept by the
     * lifecycle, stays).
     *
     * @return the vFM as it was, in state DELETED
     */
    @Transactional
    public VfmView delete(String id) {
        VfmEntity entity = find(id);
        evictAfterCommit(id);
        VfmView view = toView(entity);
        entity.moveTo(VfmState.DELETED, clock.instant());
        vfms.delete(entity);
        return new VfmView(
                view.id(),
                view.tenant(),
                view.name(),
                view.backbone(),
                view.version(),
                VfmState.DELETED,
                view.weight(),
                view.task(),
                view.quota(),
                0,
                view.createdAt());
    }

    /**
     * One stored file of a version, as uploaded or as a training job wrote it.
     *
     * @throws FmplexException {@code unknown-file} naming {@code version} or {@code name}
     */
    @Transactional(readOnly = true)
    public byte[] artifact(String id, int version, String name) {
        UUID uuid = find(id).id();
        List<ArtifactEntity> files = artifacts.findVersion(uuid, version);
        if (files.isEmpty()) {
            throw new FmplexException(
                    ProblemType.UNKNOWN_FILE,
                    "version",
                    "vFM " + id + " has no version " + version);
        }
        return files.stream()
                .filter(f -> f.fileName().equals(name))
                .findFirst()
                .map(ArtifactEntity::content)
                .orElseThrow(
                        () ->
                                new FmplexException(
                                        ProblemType.UNKNOWN_FILE,
                                        "name",
                                        "version "
                                                + version
                                                + " has no file "
                                                + name
                                                + "; it has "
                                                + files.stream()
                                                        .map(ArtifactEntity::fileName)
                                                        .toList()));
    }

    /** Every stored version with its files' sizes and checksums (not their bytes). */
    @Transactional(readOnly = true)
    public List<VersionView> versions(String id) {
        UUID uuid = find(id).id();
        Map<Integer, List<VersionView.ArtifactView>> files = new java.util.HashMap<>();
        for (ArtifactEntity artifact : artifacts.findAllOf(uuid)) {
            files.computeIfAbsent(artifact.version(), v -> new java.util.ArrayList<>())
                    .add(artifact.toView());
        }
        return versions.findVersions(uuid).stream()
                .map(
                        v ->
                                new VersionView(
                                        v.version(),
                                        v.createdAt(),
                                        files.getOrDefault(v.version(), List.of())))
                .toList();
    }

    /** Deletes a vFM that never served (its creation is being rolled back). */
    @Transactional
    public void remove(String id) {
        VfmEntity entity = find(id);
        evictAfterCommit(id);
        versions.deleteAll(
                versions.findAllById(java.util.List.of(new VfmVersionEntity.Key(entity.id(), 1))));
        vfms.delete(entity);
    }

    /** Marks the vFM FAILED (a worker could not load its version). */
    @Transactional
    public VfmView fail(String id) {
        evictAfterCommit(id);
        VfmEntity entity = find(id);
        entity.fail(clock.instant());
        return toView(entity);
    }

    /**
     * {@link #servingDeployment} from memory when possible; null means "not cached", call the
     * blocking variant.
     */
    public VfmDeployment cachedServingDeployment(String id) {
        return servingCache.get(id);
    }

    private void evictAfterCommit(String id) {
        cacheGeneration.incrementAndGet();
        servingCache.remove(id);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(
                    new TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            cacheGeneration.incrementAndGet();
                            servingCache.remove(id);
                        }
                    });
        }
    }

    /** What a worker needs to serve {@code id}; fails unless the vFM is serving. */
    @Transactional(readOnly = true)
    public VfmDeployment servingDeployment(String id) {
        long generation = cacheGeneration.get();
        VfmEntity entity = find(id);
        if (!entity.state().serving()) {
            throw new FmplexException(
                    ProblemType.VFM_NOT_SERVING,
                    null,
                    "vFM "
                            + id
                            + " is "
                            + entity.state()
                            + "; only ACTIVE vFMs serve requests"
                            + (entity.version() == 0
                                    ? " (upload its first version: POST /vfms/" + id + "/versions)"
                                    : ""));
        }
        VfmDeployment deployment = deploymentOf(entity);
        if (cacheGeneration.get() == generation) {
            servingCache.put(id, deployment);
        }
        return deployment;
    }

    private VfmDeployment deploymentOf(VfmEntity entity) {
        return new VfmDeployment(
                entity.id().toString(),
                entity.version(),
                entity.backbone(),
                task(entity),
                quota(entity),
                entity.weight());
    }

    private static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private VfmEntity find(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw FmplexException.unknownVfm(id);
        }
        return vfms.findById(uuid).orElseThrow(() -> FmplexException.unknownVfm(id));
    }

    private VfmView toView(VfmEntity entity) {
        return new VfmView(
                entity.id().toString(),
                entity.tenant(),
                entity.name(),
                entity.backbone(),
                entity.version(),
                entity.state(),
                entity.weight(),
                task(entity),
                quota(entity),
                0L,
                entity.createdAt());
    }

    private TaskSpec task(VfmEntity entity) {
        return json.readValue(entity.taskJson(), TaskSpec.class);
    }

    private Quota quota(VfmEntity entity) {
        return entity.quotaJson() == null ? null : json.readValue(entity.quotaJson(), Quota.class);
    }

    private static FmplexException duplicateName(String name, Throwable cause) {
        return new FmplexException(
                ProblemType.DUPLICATE_NAME,
                "name",
                "a vFM named '" + name + "' already exists in this tenant",
                Map.of(),
                cause);
    }
}
