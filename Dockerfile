# newshub in a container: the static, CGO-free binary in an otherwise empty
# image, run as the unprivileged user newshub, with the site in a volume.
#
#   docker build --build-arg VERSION="$(git describe --tags --always --dirty)" -t newshub .
#   docker run -d -p 8080:8080 -v newshub-site:/site newshub
#
# docs/deploy.md explains the volume, the first run and the reverse proxy.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN VERSION="$VERSION" ./scripts/build-static /rootfs

FROM scratch
COPY --from=build /rootfs/ /
# A new volume takes the owner of the folder it is mounted on.
COPY --from=build --chown=10001:10001 /rootfs/site /site
USER 10001:10001
ENV PATH=/usr/local/bin NEWSHUB_SITE=/site
VOLUME /site
WORKDIR /site
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/newshub"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
