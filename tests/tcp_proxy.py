"""A TCP proxy on loopback that a test opens and closes to cut the app off PostgreSQL."""

import socket
import threading


class TcpProxy:
    """Forward connections from 127.0.0.1:``port`` to ``upstream`` while started.

    ``upstream`` is a ``(host, port)`` pair, or the path of a Unix socket such as
    the embedded PostgreSQL's.
    """

    def __init__(self, port, upstream):
        self.port = port
        self.upstream = upstream
        self.listener = None
        self.sockets = []
        self.lock = threading.Lock()

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(64)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self):
        """Close the listening socket and every forwarded connection, as a crash would."""
        # close() alone would not wake the thread blocked in accept(), which would
        # then accept one more connection.
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for connection in self.sockets:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = self._connect_upstream()
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _connect_upstream(self):
        if isinstance(self.upstream, str):
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.settimeout(5)
            try:
                server.connect(self.upstream)
            except OSError:
                server.close()
                raise
            return server
        return socket.create_connection(self.upstream, timeout=5)

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
