#!/usr/bin/env bash
# openstack-stack.sh — lifecycle-test-support's real, minimal OpenStack (Zed, Debian bookworm packages)
# control plane for integration tests, run as plain foreground processes (no systemd).
#
#   keystone (uwsgi) · glance (file store) · placement (uwsgi) · nova api/conductor/
#   scheduler/compute (fake.FakeDriver) · cinder api/scheduler/volume (FakeLoggingVolumeDriver)
#   · rabbitmq · all DBs in MariaDB · every socket on 127.0.0.1 · all state under $OS_STACK_DIR
#
# Usage:  openstack-stack.sh install   # apt packages (root; ~9-10 min on 2 cores)
#         openstack-stack.sh start     # write configs, sync DBs, start, seed (image+flavor)
#         openstack-stack.sh smoke     # end-to-end check with the openstack CLI
#         openstack-stack.sh status    # PIDs + RSS
#         openstack-stack.sh stop      # kill every process group we started, by PID
#         openstack-stack.sh clean     # stop + rm -rf $OS_STACK_DIR
#         eval "$(openstack-stack.sh env)"   # OS_* variables for the admin user
#
# OpenStackStack (Java, same module) runs "start" once per test JVM and "stop" at its end.
# Test fixtures seeded by "start": flavors lc.<cpu>c<MiB> (see seed_resources), images named
# in $OS_STACK_IMAGES (default below; 1 MiB of zeros each), unlimited nova/cinder quotas.
#
# Credentials: admin/admin in project admin (domain Default); service users nova, glance,
# placement, cinder with password "secret" in project "service".
set -euo pipefail

OS_STACK_DIR=${OS_STACK_DIR:-/tmp/lifecycle-openstack}
S=$OS_STACK_DIR
DB="mysql+pymysql://root@127.0.0.1:3306"  # mariadbd runs with --skip-grant-tables, loopback only
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
SERVICE_PASSWORD=${SERVICE_PASSWORD:-secret}
ENABLE_CINDER=${ENABLE_CINDER:-1}
HOST_IP=127.0.0.1
NEUTRON_PORT=9696 KEYSTONE_PORT=5000 GLANCE_PORT=9292 PLACEMENT_PORT=8778 NOVA_PORT=8774 CINDER_PORT=8776
RABBIT_PORT=5672 RABBIT_DIST_PORT=25672 EPMD_PORT=4369 MYSQL_PORT=3306
REGION=RegionOne
OS_STACK_IMAGES=${OS_STACK_IMAGES:-tiny kit-image-1 kit-image-2 app-1.0 app-2.0 app-web-1.0}

# The Debian packages' python is /usr/bin/python3; a pyenv/venv python3 earlier in PATH
# cannot import nova/keystone/... — force the system one everywhere.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV || true
PY=/usr/bin/python3

PACKAGES=(rabbitmq-server python3-keystone python3-glance python3-nova python3-placement
          python3-cinder python3-openstackclient uwsgi-core uwsgi-plugin-python3
          mariadb-server python3-pymysql curl iproute2)

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cmd_install() {
  # Only the python3-* library packages: the server packages (keystone, nova-api, ...)
  # run dbconfig-common/debconf postinsts, drag in libvirt/qemu (nova-compute) and
  # want to start sysv/systemd services. We need none of that.
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${PACKAGES[@]}"
}

# ---------------------------------------------------------------------------------------
# configuration
# ---------------------------------------------------------------------------------------
authtoken() { # $1 = service user
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://$HOST_IP:$KEYSTONE_PORT/v3
auth_url = http://$HOST_IP:$KEYSTONE_PORT/v3
auth_type = password
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
region_name = $REGION
service_token_roles_required = true
EOF
}
ksauth() { # $1 = section, $2 = user
  cat <<EOF
[$1]
auth_type = password
auth_url = http://$HOST_IP:$KEYSTONE_PORT/v3
user_domain_name = Default
project_domain_name = Default
project_name = service
username = $2
password = $SERVICE_PASSWORD
region_name = $REGION
EOF
}

write_wrapper() { # $1 = name, $2 = python module with main()
  cat > "$S/bin/$1" <<EOF
#!/usr/bin/python3
import sys
from $2 import main
sys.exit(main())
EOF
  chmod +x "$S/bin/$1"
}

write_configs() {
  mkdir -p "$S"/{bin,etc/{keystone,glance,placement,nova,cinder,rabbitmq},log,run,lock}
  mkdir -p "$S"/data/{rabbitmq,glance/images,glance/staging,glance/tasks,glance/cache,nova,cinder}

  # console-script wrappers: python3-nova/-glance/-cinder ship the modules, not /usr/bin/*
  write_wrapper nova-api        nova.cmd.api
  write_wrapper nova-conductor  nova.cmd.conductor
  write_wrapper nova-scheduler  nova.cmd.scheduler
  write_wrapper nova-compute    nova.cmd.compute
  write_wrapper nova-manage     nova.cmd.manage
  write_wrapper glance-api      glance.cmd.api
  write_wrapper glance-manage   glance.cmd.manage
  write_wrapper cinder-api      cinder.cmd.api
  write_wrapper cinder-scheduler cinder.cmd.scheduler
  write_wrapper cinder-volume   cinder.cmd.volume
  write_wrapper cinder-manage   cinder.cmd.manage

  # ---- neutron stub: nova calls neutron even for "networks": "none" servers (security
  # groups in GET /servers/{id}, port cleanup on delete). Answers every list with [].
  cat > "$S/bin/fake-neutron" <<'PYEOF'
#!/usr/bin/python3
"""Minimal stand-in for neutron-server: empty collections, 404 for single resources."""
import json, re, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def _send(self, code, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        path = self.path.split("?", 1)[0].rstrip("/")
        if path in ("", "/"):
            return self._send(200, {"versions": [{"id": "v2.0", "status": "CURRENT",
                "links": [{"rel": "self", "href": "http://%s/v2.0/" % self.headers["Host"]}]}]})
        if path == "/v2.0":
            return self._send(200, {"resources": []})
        m = re.fullmatch(r"/v2\.0/([a-z_-]+?)(?:\.json)?", path)
        if m:
            return self._send(200, {m.group(1).replace("-", "_"): []})
        self._send(404, {"NeutronError": {"type": "NotFound", "message": "fake-neutron: " + path, "detail": ""}})
    def do_DELETE(self):
        self._send(204)
    def _unsupported(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        self._send(400, {"NeutronError": {"type": "BadRequest", "message": "fake-neutron is read-only", "detail": ""}})
    do_POST = do_PUT = _unsupported
    def log_message(self, fmt, *args):
        sys.stderr.write("fake-neutron %s\n" % (fmt % args))

ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), H).serve_forever()
PYEOF
  chmod +x "$S/bin/fake-neutron"

  # ---- rabbitmq
  echo '[].' > "$S/etc/rabbitmq/enabled_plugins"
  cat > "$S/etc/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.1 = $HOST_IP:$RABBIT_PORT
loopback_users.guest = true
vm_memory_high_watermark.absolute = 512MiB
disk_free_limit.absolute = 50MB
EOF

  # ---- keystone
  cat > "$S/etc/keystone/keystone.conf" <<EOF
[DEFAULT]
use_stderr = true
[database]
connection = $DB/keystone?charset=utf8
[token]
provider = fernet
[fernet_tokens]
key_repository = $S/etc/keystone/fernet-keys
[fernet_receipts]
key_repository = $S/etc/keystone/fernet-keys
[credential]
key_repository = $S/etc/keystone/credential-keys
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF

  # ---- placement
  cat > "$S/etc/placement/placement.conf" <<EOF
[DEFAULT]
use_stderr = true
[api]
auth_strategy = keystone
[placement_database]
connection = $DB/placement?charset=utf8
$(authtoken placement)
EOF

  # ---- glance (standalone eventlet server, file store)
  cat > "$S/etc/glance/glance-api.conf" <<EOF
[DEFAULT]
use_stderr = true
bind_host = $HOST_IP
bind_port = $GLANCE_PORT
workers = 1
enabled_backends = file:file
image_cache_dir = $S/data/glance/cache
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = $S/data/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = $S/data/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = $S/data/glance/tasks/
[database]
connection = $DB/glance?charset=utf8
[paste_deploy]
flavor = keystone
config_file = $S/etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $S/lock
$(authtoken glance)
EOF
  cat > "$S/etc/glance/glance-api-paste.ini" <<'EOF'
[pipeline:glance-api-keystone]
pipeline = cors healthcheck http_proxy_to_wsgi versionnegotiation authtoken context rootapp
[composite:rootapp]
paste.composite_factory = glance.api:root_app_factory
/: apiversions
/v2: apiv2app
[app:apiversions]
paste.app_factory = glance.api.versions:create_resource
[app:apiv2app]
paste.app_factory = glance.api.v2.router:API.factory
[filter:healthcheck]
paste.filter_factory = oslo_middleware:Healthcheck.factory
backends = disable_by_file
disable_by_file_path = /nonexistent/healthcheck_disable
[filter:versionnegotiation]
paste.filter_factory = glance.api.middleware.version_negotiation:VersionNegotiationFilter.factory
[filter:context]
paste.filter_factory = glance.api.middleware.context:ContextMiddleware.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
delay_auth_decision = true
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = glance
oslo_config_program = glance-api
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware:HTTPProxyToWSGI.factory
EOF

  # ---- nova
  cat > "$S/etc/nova/nova.conf" <<EOF
[DEFAULT]
use_stderr = true
compute_driver = fake.FakeDriver
transport_url = rabbit://guest:guest@$HOST_IP:$RABBIT_PORT/
enabled_apis = osapi_compute
osapi_compute_listen = $HOST_IP
osapi_compute_listen_port = $NOVA_PORT
osapi_compute_workers = 1
my_ip = $HOST_IP
host = os-stack
state_path = $S/data/nova
allow_resize_to_same_host = true
[quota]
instances = -1
cores = -1
ram = -1
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $S/etc/nova/api-paste.ini
[api_database]
connection = $DB/nova_api?charset=utf8
[database]
connection = $DB/nova_cell1?charset=utf8
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 2
[oslo_concurrency]
lock_path = $S/lock
[vnc]
enabled = false
[cinder]
os_region_name = $REGION
[glance]
region_name = $REGION
$(authtoken nova)
$(ksauth placement placement)
$(ksauth service_user nova)
send_service_user_token = true
$(ksauth neutron nova)
EOF
  cat > "$S/etc/nova/api-paste.ini" <<'EOF'
[composite:osapi_compute]
use = call:nova.api.openstack.urlmap:urlmap_factory
/: oscomputeversions
/v2: oscomputeversion_legacy_v2
/v2.1: oscomputeversion_v2
/v2/+: openstack_compute_api_v21_legacy_v2_compatible
/v2.1/+: openstack_compute_api_v21
[composite:openstack_compute_api_v21]
use = call:nova.api.auth:pipeline_factory_v21
keystone = cors http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit authtoken keystonecontext osapi_compute_app_v21
[composite:openstack_compute_api_v21_legacy_v2_compatible]
use = call:nova.api.auth:pipeline_factory_v21
keystone = cors http_proxy_to_wsgi compute_req_id faultwrap request_log sizelimit authtoken keystonecontext legacy_v2_compatible osapi_compute_app_v21
[filter:request_log]
paste.filter_factory = nova.api.openstack.requestlog:RequestLog.factory
[filter:compute_req_id]
paste.filter_factory = nova.api.compute_req_id:ComputeReqIdMiddleware.factory
[filter:faultwrap]
paste.filter_factory = nova.api.openstack:FaultWrapper.factory
[filter:sizelimit]
paste.filter_factory = oslo_middleware:RequestBodySizeLimiter.factory
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory
[filter:legacy_v2_compatible]
paste.filter_factory = nova.api.openstack:LegacyV2CompatibleWrapper.factory
[app:osapi_compute_app_v21]
paste.app_factory = nova.api.openstack.compute:APIRouterV21.factory
[pipeline:oscomputeversions]
pipeline = cors faultwrap request_log http_proxy_to_wsgi oscomputeversionapp
[pipeline:oscomputeversion_v2]
pipeline = cors compute_req_id faultwrap request_log http_proxy_to_wsgi oscomputeversionapp_v2
[pipeline:oscomputeversion_legacy_v2]
pipeline = cors compute_req_id faultwrap request_log http_proxy_to_wsgi legacy_v2_compatible oscomputeversionapp_v2
[app:oscomputeversionapp]
paste.app_factory = nova.api.openstack.compute.versions:Versions.factory
[app:oscomputeversionapp_v2]
paste.app_factory = nova.api.openstack.compute.versions:VersionsV2.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = nova
[filter:keystonecontext]
paste.filter_factory = nova.api.auth:NovaKeystoneContext.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
EOF

  # ---- cinder
  cat > "$S/etc/cinder/cinder.conf" <<EOF
[DEFAULT]
use_stderr = true
transport_url = rabbit://guest:guest@$HOST_IP:$RABBIT_PORT/
auth_strategy = keystone
osapi_volume_listen = $HOST_IP
osapi_volume_listen_port = $CINDER_PORT
osapi_volume_workers = 1
api_paste_config = $S/etc/cinder/api-paste.ini
state_path = $S/data/cinder
my_ip = $HOST_IP
host = os-stack
enabled_backends = fake
default_volume_type = fake
quota_volumes = -1
quota_gigabytes = -1
quota_snapshots = -1
[fake]
volume_driver = osstack_fake_cinder.FakeVolumeDriver
volume_backend_name = fake
[database]
connection = $DB/cinder?charset=utf8
[oslo_concurrency]
lock_path = $S/lock
$(authtoken cinder)
$(ksauth nova cinder)
interface = public
EOF
  # cinder's own test driver (shipped in python3-cinder) lacks extend on its fake LVM
  mkdir -p "$S/lib"
  cat > "$S/lib/osstack_fake_cinder.py" <<'PYEOF'
from cinder.tests import fake_driver


class FakeVolumeDriver(fake_driver.FakeLoggingVolumeDriver):
    """No-op volume backend: create/attach/extend/delete only touch the DB."""

    def extend_volume(self, volume, new_size):
        pass
PYEOF
  cat > "$S/etc/cinder/api-paste.ini" <<'EOF'
[composite:osapi_volume]
use = call:cinder.api:root_app_factory
/: apiversions
/v3: openstack_volume_api_v3
[composite:openstack_volume_api_v3]
use = call:cinder.api.middleware.auth:pipeline_factory
keystone = request_id cors http_proxy_to_wsgi faultwrap sizelimit authtoken keystonecontext apiv3
keystone_nolimit = request_id cors http_proxy_to_wsgi faultwrap sizelimit authtoken keystonecontext apiv3
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = cinder
[filter:faultwrap]
paste.filter_factory = cinder.api.middleware.fault:FaultWrapper.factory
[filter:sizelimit]
paste.filter_factory = oslo_middleware.sizelimit:RequestBodySizeLimiter.factory
[app:apiv3]
paste.app_factory = cinder.api.v3.router:APIRouter.factory
[pipeline:apiversions]
pipeline = request_id cors http_proxy_to_wsgi faultwrap osvolumeversionapp
[app:osvolumeversionapp]
paste.app_factory = cinder.api.versions:Versions.factory
[filter:keystonecontext]
paste.filter_factory = cinder.api.middleware.auth:CinderKeystoneContext.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
[filter:request_id]
paste.filter_factory = cinder.api.middleware.request_id:RequestId.factory
EOF
}

# ---------------------------------------------------------------------------------------
# process management: every service runs under setsid, so its PID is also the id of a
# process group that holds its forked workers; stop kills exactly those groups.
# ---------------------------------------------------------------------------------------
spawn() { # $1 = name, rest = command (env assignments allowed via env)
  local name=$1; shift
  setsid "$@" >>"$S/log/$name.log" 2>&1 < /dev/null &
  echo $! > "$S/run/$name.pid"
  log "started $name (pid $!)"
}

alive() { local p; p=$(cat "$S/run/$1.pid" 2>/dev/null) && kill -0 "$p" 2>/dev/null; }

wait_port() { # $1 = port, $2 = name, $3 = timeout s
  local i
  for ((i = 0; i < ${3:-60} * 5; i++)); do
    if ss -Hltn "sport = :$1" | grep -q .; then return 0; fi
    alive "$2" || { tail -30 "$S/log/$2.log" >&2; die "$2 died"; }
    sleep 0.2
  done
  tail -30 "$S/log/$2.log" >&2; die "$2 did not listen on $1 within ${3:-60}s"
}

port_free() { ss -Hltn "sport = :$1" | grep -q . && die "port $1 already in use"; return 0; }

uwsgi_app() { # $1 = name, $2 = port, $3 = wsgi file, rest = env
  local name=$1 port=$2 file=$3; shift 3
  spawn "$name" env "$@" /usr/bin/uwsgi-core --plugin python3 \
    --http-socket "$HOST_IP:$port" --wsgi-file "$file" \
    --enable-threads --threads 4 --buffer-size 65535 --need-app --die-on-term \
    --add-header "Connection: close"
}

# ---------------------------------------------------------------------------------------
cmd_env() {
  cat <<EOF
export OS_AUTH_URL=http://$HOST_IP:$KEYSTONE_PORT/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$ADMIN_PASSWORD
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
EOF
}

keystone_seed() { # service project, users, roles, catalog
  $PY - "$HOST_IP" "$KEYSTONE_PORT" "$ADMIN_PASSWORD" "$SERVICE_PASSWORD" "$REGION" \
      "$GLANCE_PORT" "$PLACEMENT_PORT" "$NOVA_PORT" "$CINDER_PORT" "$ENABLE_CINDER" "$NEUTRON_PORT" <<'EOF'
import sys
from keystoneauth1.identity import v3
from keystoneauth1 import session
from keystoneclient.v3 import client
ip, kport, apw, spw, region, gport, pport, nport, cport, cinder, qport = sys.argv[1:]
auth = v3.Password(auth_url=f"http://{ip}:{kport}/v3", username="admin", password=apw,
                   project_name="admin", user_domain_id="default", project_domain_id="default")
ks = client.Client(session=session.Session(auth=auth))
service = ks.projects.create("service", "default")
admin_role = ks.roles.find(name="admin")
service_role = ks.roles.create("service")
ks.roles.create("member") if not ks.roles.list(name="member") else None
svcs = [("glance", "image", gport, ""), ("placement", "placement", pport, ""),
        ("nova", "compute", nport, "/v2.1"), (None, "network", qport, "")]
if cinder == "1":
    svcs.append(("cinder", "volumev3", cport, "/v3/%(project_id)s"))
for user, stype, port, path in svcs:
    if user:
        u = ks.users.create(user, domain="default", password=spw, default_project=service)
        ks.roles.grant(admin_role, user=u, project=service)
        ks.roles.grant(service_role, user=u, project=service)
    name = {"volumev3": "cinderv3", "network": "neutron"}.get(stype, user)
    s = ks.services.create(name, type=stype)
    for iface in ("public", "internal", "admin"):
        ks.endpoints.create(s, f"http://{ip}:{port}{path}", interface=iface, region=region)
EOF
}

seed_resources() { # flavors + tiny images; the compute node is awaited separately
  eval "$(cmd_env)"
  head -c 1048576 /dev/zero > "$S/data/tiny.img"
  $PY - "$S/data/tiny.img" $OS_STACK_IMAGES <<'EOF'
import sys, openstack
c = openstack.connect()  # from OS_* env
c.compute.create_flavor(name="m1.tiny", ram=128, vcpus=1, disk=1, id="1")
c.compute.create_flavor(name="m1.small", ram=256, vcpus=1, disk=2, id="2")
for cpu, ram in ((1, 512), (1, 1024), (2, 1024), (2, 2048), (4, 4096), (4, 8192), (8, 16384)):
    c.compute.create_flavor(name=f"lc.{cpu}c{ram}", ram=ram, vcpus=cpu, disk=1)
for name in sys.argv[2:]:
    img = c.image.create_image(name=name, filename=sys.argv[1], disk_format="raw",
                               container_format="bare", visibility="public", wait=True)
    print("image", name, img.id, img.status)
EOF
}

wait_compute_ready() {
  local i
  for ((i = 0; i < 120; i++)); do
    if [[ $($PY - <<'EOF'
import openstack
c = openstack.connect()
print(len([h for h in c.compute.hypervisors()]))
EOF
) -ge 1 ]]; then log "hypervisor registered"; return 0; fi
    sleep 1
  done
  die "no hypervisor after 120s"
}

cmd_start() {
  [[ -e "$S/run" ]] && ls "$S"/run/*.pid >/dev/null 2>&1 && die "$S/run has pid files: run stop first"
  for p in $NEUTRON_PORT $MYSQL_PORT $KEYSTONE_PORT $GLANCE_PORT $PLACEMENT_PORT $NOVA_PORT $RABBIT_PORT $EPMD_PORT $RABBIT_DIST_PORT; do port_free "$p"; done
  ((ENABLE_CINDER)) && port_free $CINDER_PORT
  local t0=$SECONDS
  rm -rf "$S"; write_configs

  # ---- rabbitmq (own epmd, loopback only; run the real script, not the su-wrapper)
  local RENV=(HOME="$S/data/rabbitmq" ERL_EPMD_ADDRESS=$HOST_IP ERL_EPMD_PORT=$EPMD_PORT
    RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=$HOST_IP
    RABBITMQ_NODE_PORT=$RABBIT_PORT RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT
    RABBITMQ_CONFIG_FILE="$S/etc/rabbitmq/rabbitmq.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$S/etc/rabbitmq/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$S/data/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$S/log/rabbitmq"
    RABBITMQ_PID_FILE="$S/run/rabbitmq.beampid"
    RABBITMQ_LOGS=- RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
  # ---- mariadb (sqlite was tried first: keystone hits "database is locked" even single-threaded)
  mkdir -p "$S/data/mysql"
  mariadb-install-db --no-defaults --datadir="$S/data/mysql" --user=root \
    --auth-root-authentication-method=normal --skip-test-db >>"$S/log/setup.log" 2>&1
  spawn mariadb /usr/sbin/mariadbd --no-defaults --datadir="$S/data/mysql" --user=root \
    --socket="$S/run/mysqld.sock" --pid-file="$S/run/mysqld.pidfile" \
    --bind-address=$HOST_IP --port=$MYSQL_PORT --skip-name-resolve --skip-grant-tables \
    --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --skip-log-bin --max-connections=500 --character-set-server=utf8 --collation-server=utf8_general_ci
  spawn epmd env ERL_EPMD_ADDRESS=$HOST_IP /usr/bin/epmd -port $EPMD_PORT
  wait_port $EPMD_PORT epmd 10
  spawn rabbitmq env "${RENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server

  wait_port $MYSQL_PORT mariadb 60
  local d
  for d in keystone placement glance nova_api nova_cell0 nova_cell1 cinder; do
    mariadb --no-defaults -S "$S/run/mysqld.sock" -uroot -e "CREATE DATABASE $d"
  done

  # ---- keystone
  local KENV=(OS_KEYSTONE_CONFIG_DIR="$S/etc/keystone" OS_KEYSTONE_CONFIG_FILES=keystone.conf)
  local KM=(keystone-manage --config-file "$S/etc/keystone/keystone.conf")
  "${KM[@]}" db_sync >>"$S/log/setup.log" 2>&1
  "${KM[@]}" fernet_setup --keystone-user root --keystone-group root >>"$S/log/setup.log" 2>&1
  "${KM[@]}" credential_setup --keystone-user root --keystone-group root >>"$S/log/setup.log" 2>&1
  "${KM[@]}" bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
    --bootstrap-admin-url "http://$HOST_IP:$KEYSTONE_PORT/v3" \
    --bootstrap-internal-url "http://$HOST_IP:$KEYSTONE_PORT/v3" \
    --bootstrap-public-url "http://$HOST_IP:$KEYSTONE_PORT/v3" \
    --bootstrap-region-id "$REGION" >>"$S/log/setup.log" 2>&1
  uwsgi_app keystone $KEYSTONE_PORT /usr/bin/keystone-wsgi-public "${KENV[@]}"

  # ---- DB syncs while keystone/rabbit boot
  placement-manage --config-file "$S/etc/placement/placement.conf" db sync >>"$S/log/setup.log" 2>&1
  "$S/bin/glance-manage" --config-file "$S/etc/glance/glance-api.conf" db_sync >>"$S/log/setup.log" 2>&1
  local NM=("$S/bin/nova-manage" --config-file "$S/etc/nova/nova.conf")
  "${NM[@]}" api_db sync >>"$S/log/setup.log" 2>&1
  "${NM[@]}" cell_v2 map_cell0 --database_connection "$DB/nova_cell0?charset=utf8" >>"$S/log/setup.log" 2>&1
  "${NM[@]}" cell_v2 create_cell --name cell1 >>"$S/log/setup.log" 2>&1
  "${NM[@]}" db sync >>"$S/log/setup.log" 2>&1
  if ((ENABLE_CINDER)); then
    "$S/bin/cinder-manage" --config-file "$S/etc/cinder/cinder.conf" db sync >>"$S/log/setup.log" 2>&1
  fi
  log "db syncs done ($((SECONDS - t0))s)"

  wait_port $KEYSTONE_PORT keystone 60
  keystone_seed >>"$S/log/setup.log" 2>&1
  log "keystone seeded ($((SECONDS - t0))s)"

  uwsgi_app placement $PLACEMENT_PORT /usr/bin/placement-api OS_PLACEMENT_CONFIG_DIR="$S/etc/placement"
  spawn fake-neutron "$S/bin/fake-neutron" $HOST_IP $NEUTRON_PORT
  spawn glance-api "$S/bin/glance-api" --config-file "$S/etc/glance/glance-api.conf"
  wait_port $RABBIT_PORT rabbitmq 90
  local NC=(--config-file "$S/etc/nova/nova.conf")
  spawn nova-api "$S/bin/nova-api" "${NC[@]}"
  spawn nova-conductor "$S/bin/nova-conductor" "${NC[@]}"
  spawn nova-scheduler "$S/bin/nova-scheduler" "${NC[@]}"
  wait_port $PLACEMENT_PORT placement 60
  spawn nova-compute "$S/bin/nova-compute" "${NC[@]}"
  if ((ENABLE_CINDER)); then
    local CC=(--config-file "$S/etc/cinder/cinder.conf")
    spawn cinder-api "$S/bin/cinder-api" "${CC[@]}"
    spawn cinder-scheduler "$S/bin/cinder-scheduler" "${CC[@]}"
    spawn cinder-volume env PYTHONPATH="$S/lib" "$S/bin/cinder-volume" "${CC[@]}"
    wait_port $CINDER_PORT cinder-api 90
  fi
  wait_port $GLANCE_PORT glance-api 60
  wait_port $NOVA_PORT nova-api 90
  log "all APIs listening ($((SECONDS - t0))s)"
  seed_resources >>"$S/log/setup.log" 2>&1
  wait_compute_ready
  if ((ENABLE_CINDER)); then
    eval "$(cmd_env)"
    openstack volume type create --property volume_backend_name=fake fake >>"$S/log/setup.log" 2>&1 || true
  fi
  echo "$((SECONDS - t0))" > "$S/ready"
  log "stack ready in $((SECONDS - t0))s — eval \"\$($0 env)\" to use it"
}

cmd_stop() {
  local f name pid i
  rm -f "$S/ready"
  shopt -s nullglob
  for f in "$S"/run/*.pid; do
    name=$(basename "$f" .pid); pid=$(cat "$f")
    [[ $name == epmd ]] && continue  # last
    if kill -0 "$pid" 2>/dev/null; then kill -TERM -- "-$pid" 2>/dev/null || true; fi
  done
  for f in "$S"/run/*.pid; do
    name=$(basename "$f" .pid); pid=$(cat "$f")
    [[ $name == epmd ]] && continue
    for ((i = 0; i < 50; i++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 -- "-$pid" 2>/dev/null; then log "$name: SIGKILL"; kill -KILL -- "-$pid" 2>/dev/null || true; fi
    rm -f "$f"; log "stopped $name"
  done
  if [[ -f $S/run/epmd.pid ]]; then
    pid=$(cat "$S/run/epmd.pid"); kill -TERM -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 25; i++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true; rm -f "$S/run/epmd.pid"; log "stopped epmd"
  fi
}

cmd_status() {
  local f name pid total=0 rss
  shopt -s nullglob
  for f in "$S"/run/*.pid; do
    name=$(basename "$f" .pid); pid=$(cat "$f")
    rss=$(ps -o rss= --sid "$pid" 2>/dev/null | awk '{s+=$1} END {print s+0}')
    total=$((total + rss))
    printf '%-18s pgid %-7s procs %-3s rss %6d MiB\n' "$name" "$pid" \
      "$(ps -o pid= --sid "$pid" | wc -l)" $((rss / 1024))
  done
  printf '%-18s %28d MiB\n' TOTAL $((total / 1024))
}

cmd_smoke() {
  eval "$(cmd_env)"
  local t0 srv vol
  openstack token issue -f value -c id >/dev/null
  openstack catalog list -f value -c Type | sort | tr '\n' ' '; echo
  t0=$(date +%s%N)
  srv=$(openstack --os-compute-api-version 2.37 server create --flavor m1.tiny --image tiny \
        --nic none --property owner=smoke --wait -f value -c id smoke-1 | tail -n1)
  log "server $srv ACTIVE in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  openstack server show "$srv" -f value -c created -c OS-SRV-USG:launched_at | tr '\n' ' '; echo " (created / launched_at)"
  openstack server list
  openstack server set --property stage=two "$srv"
  openstack server show "$srv" -f value -c properties
  openstack server stop "$srv"
  for _ in $(seq 60); do [[ $(openstack server show "$srv" -f value -c status) == SHUTOFF ]] && break; sleep 1; done
  log "stopped: $(openstack server show "$srv" -f value -c status)"
  openstack server start "$srv"
  for _ in $(seq 60); do [[ $(openstack server show "$srv" -f value -c status) == ACTIVE ]] && break; sleep 1; done
  log "started: $(openstack server show "$srv" -f value -c status)"
  openstack server resize --flavor m1.small --wait "$srv"
  log "resize: $(openstack server show "$srv" -f value -c status)"
  openstack server resize confirm "$srv"
  for _ in $(seq 60); do [[ $(openstack server show "$srv" -f value -c status) == ACTIVE ]] && break; sleep 1; done
  log "resize confirmed: $(openstack server show "$srv" -f value -c status) flavor $(openstack server show "$srv" -f value -c flavor)"
  if ((ENABLE_CINDER)); then
    vol=$(openstack volume create --size 1 -f value -c id smoke-vol)
    for _ in $(seq 60); do [[ $(openstack volume show "$vol" -f value -c status) == available ]] && break; sleep 1; done
    log "volume $vol: $(openstack volume show "$vol" -f value -c status)"
    openstack server add volume "$srv" "$vol"
    for _ in $(seq 60); do [[ $(openstack volume show "$vol" -f value -c status) == in-use ]] && break; sleep 1; done
    log "attached: $(openstack volume show "$vol" -f value -c status)"
    openstack --os-volume-api-version 3.42 volume set --size 2 "$vol"
    for _ in $(seq 60); do [[ $(openstack volume show "$vol" -f value -c size) == 2 ]] && break; sleep 1; done
    log "extended: size $(openstack volume show "$vol" -f value -c size) $(openstack volume show "$vol" -f value -c status)"
    openstack server remove volume "$srv" "$vol"
    for _ in $(seq 60); do [[ $(openstack volume show "$vol" -f value -c status) == available ]] && break; sleep 1; done
    log "detached: $(openstack volume show "$vol" -f value -c status)"
    openstack volume delete "$vol"
  fi
  openstack server delete --wait "$srv"
  log "server deleted; remaining: $(openstack server list -f value | wc -l)"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  clean) cmd_stop; rm -rf "$S" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  smoke) cmd_smoke ;;
  *) echo "usage: $0 install|start|smoke|status|stop|clean|env" >&2; exit 2 ;;
esac
