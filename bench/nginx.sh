# Sourced by the benchmarks that use nginx on loopback (as a target or as a peer).
# bench_nginx WORK PORT HTTP_EXTRA SERVER_BODY: writes WORK/nginx.conf — one worker, no access log,
# HTTP_EXTRA inside `http`, SERVER_BODY inside a server on 127.0.0.1:PORT — and starts nginx in the
# foreground as a background job, its pid appended to the caller's `pids`.
bench_nginx() {
  local work=$1 port=$2 http_extra=$3 server_body=$4
  cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
$http_extra
  server {
    listen 127.0.0.1:$port;
$server_body
  }
}
NGINX
  nginx -c "$work/nginx.conf" -g 'daemon off;' & pids+=($!)
}
