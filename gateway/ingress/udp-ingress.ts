/**
 * UDP ingress: one raw IPv4 packet per datagram. The socket also carries UDP egress (so
 * processed packets leave from the gateway's port).
 */
import * as dgram from 'dgram';

/**
 * 4 MiB socket buffers (the kernel caps them at net.core.rmem_max / wmem_max): the 208 KiB
 * default holds only ~100 full-size datagrams, and a burst of 200 lost a quarter of them in the
 * e2e test.
 */
export const UDP_BUFFER_BYTES = 4 << 20;

export interface UdpPacketHandler {
  (buf: Buffer, seq: number): void;
}

export class UdpIngress {
  readonly socket: dgram.Socket;
  port = 0;
  private seq = 0;

  constructor(onPacket: UdpPacketHandler) {
    this.socket = dgram.createSocket({ type: 'udp4', recvBufferSize: UDP_BUFFER_BYTES, sendBufferSize: UDP_BUFFER_BYTES });
    this.socket.on('message', (msg) => onPacket(msg, this.seq++));
  }

  async bind(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(port, host, () => {
        this.socket.off('error', reject);
        resolve();
      });
    });
    this.port = this.socket.address().port;
    return this.port;
  }

  close(): void {
    this.socket.close();
  }
}
