var k,je,Tt,q,$e,de,We,ie,Be,ye,ve,It,X=Symbol.for("pv"),ue={},pe=[],Nt=/^m(i|n|o|s|text|space)$/,be=Array.isArray,ke=pe.slice,V=Object.assign;function B(t){t&&t.parentNode&&t.remove()}function Ve(t,e,n){var s,r,a,i={},o=arguments.length;for(a in e)a=="key"?s=e[a]:a=="ref"&&typeof t!="function"?r=e[a]:i[a]=e[a];return o>2&&(i.children=o>3?ke.call(arguments,2):n),Q(t,i,s,r,null)}function Q(t,e,n,s,r){var a={type:t,props:e,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:X,__v:r||++je,__i:-1,__u:0};return!r&&k.vnode&&k.vnode(a),a}function fe(t){return t.children}function le(t,e){this.props=t,this.context=e,this.__g=0}function F(t,e){if(e==null)return t.__&&F(t.__,t.__i+1);for(var n;e<t.__k.length;e++)if((n=t.__k[e])&&n.__e)return n.__e;return typeof t.type!="function"||t.props.__P?null:F(t)}function Et(t){var e,n=t.__v,s=n.__e,r=[],a=[],i=t.__P;i&&((e=V({constructor:X},n)).__v=n.__v+1,k.vnode&&k.vnode(e),xe(i,e,n,t.__n,i.namespaceURI,32&n.__u?[s]:null,r,s||F(n),32&n.__u,a),e.__v=n.__v,e.__.__k[e.__i]=e,Qe(r,e,a),n.__=n.__e=null,e.__e!=s&&Ge(e))}function Ge(t){if((t=t.__)&&t.__c&&!t.props.__P)return t.__e=null,t.__k.some(function(e){return e&&(t.__e=e.__e)}),Ge(t)}function Fe(t){(8&t.__g||(t.__g|=8,q.push(t),de++))&&$e==k.debounceRendering||(($e=k.debounceRendering)||queueMicrotask)(Ke)}function Ke(){try{for(var t,e=1;q.length;)q.length>e&&q.sort(We),t=q.shift(),e=q.length,8&t.__g&&Et(t)}finally{(de=q.length)&&($e||queueMicrotask)(Ke)}}function ze(t,e,n,s,r,a,i,o,c,_,u){var p,m,d,f,h,$,v=s.__k||pe,y=e.length;for(c=Pt(n,e,v,c,y),p=0;p<y;p++)(d=n.__k[p])!=null&&(m=~d.__i&&v[d.__i]||ue,d.__i=p,$=xe(t,d,m,r,a,i,o,c,_,u),f=d.__e,(m.ref!=d.ref||8&m.__u)&&(m.ref&&we(m.ref,null,d,m),d.ref&&u.push(d.ref,d.__c||f,d)),h=h||f,4&d.__u?(c=Ye(d,c,t,!m.__v),m.__e&&(m.__e=null)):typeof d.type=="function"&&$!==void 0?c=$:f&&(c=f.nextSibling),d.__u&=-21);return n.__e=h,c}function Pt(t,e,n,s,r){var a,i,o,c,_,u,p,m,d,f=n.length,h=f,$=0,v=0,y=t.__k=Array(r);for(a=0;a<r;a++)(i=e[a])!=null&&typeof i!="boolean"&&typeof i!="function"?(typeof i!="object"||i.constructor===String?i=y[a]=Q(null,i):be(i)?i=y[a]=Q(fe,{children:i}):i.constructor===X&&i.__b?i=y[a]=Q(i.type,i.props,i.key,i.ref,i.__v):y[a]=i,c=a+$,i.__=t,i.__b=t.__b+1,o=null,~(_=i.__i=Rt(i,n,c,h))&&(h--,(o=n[_])&&(o.__u|=2)),o&&o.__v?(i.__u|=16,_==c-1?$--:_==c+1?$++:_!=c&&(_>c?$--:$++,v=1)):(~_||(r>f?$--:r<f&&$++),typeof i.type!="function"&&(i.__u|=4))):y[a]=null;if(v){for(u=[],p=[],a=0;a<r;a++)if((i=y[a])&&16&i.__u){for($=0,m=u.length;$<m;)u[d=$+m>>1]<i.__i?$=d+1:m=d;u[$]=i.__i,p[a]=$+1}for($=u.length;a--;)p[a]&&(p[a]==$?$--:y[a].__u|=4)}if(h)for(a=0;a<f;a++)!(o=n[a])||2&o.__u||(o.__e==s&&(s=F(o)),Se(o,o));return s}function Ye(t,e,n,s){var r,a,i,o;if(typeof t.type=="function"){if(t.props.__P)return e;if(r=t.__k)for(a=0;a<r.length;a++)r[a]&&(r[a].__=t,e=Ye(r[a],e,n,!1));return e}for(e&&!e.parentNode&&(e=F(t))&&!e.parentNode&&(e=null),i=t.__e,o=e;o&&o.nodeType==8;)o=o.nextSibling;for(i!=o&&(!s&&n.moveBefore&&i.parentNode?n.moveBefore(i,e):n.insertBefore(i,e||null)),e=i;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function Rt(t,e,n,s){var r,a=t.key,i=t.type,o=e[n],c=o&&!(2&o.__u);if(o===null&&a==null||c&&a==o.key&&i==o.type)return n;if(s>(c?1:0)){for(r=n-1;r>=0;r--)if((o=e[r])&&!(2&o.__u)&&a==o.key&&i==o.type)return r;for(r=n+1;r<e.length;r++)if((o=e[r])&&!(2&o.__u)&&a==o.key&&i==o.type)return r}return-1}function He(t,e,n){n==null&&(n=""),e[0]=="-"?t.setProperty(e,n):t[e]=n}function oe(t,e,n,s,r){var a,i;if(e=="style")if(typeof n=="string")t.style.cssText=n;else{if(typeof s=="string"&&(t.style.cssText=s=""),s)for(e in s)n&&e in n||He(t.style,e);if(n)for(e in n)s&&n[e]==s[e]||He(t.style,e,n[e])}else if(e[0]=="o"&&e[1]=="n")typeof n!="function"&&(n=null),typeof s!="function"&&(s=null),(t.__e||(t.__e={}))[e]=n,n&&s||(i=ve[e]||(ve[e]=At(e)),(t.__a||(t.__a={}))[e]=ye,a=e!=(e=e.replace(Be,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),n?t.addEventListener(e,i,a):t.removeEventListener(e,i,a));else{if(r=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in t)try{return void(t[e]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&e[4]!="-"?t.removeAttribute(e):t.setAttribute(e,e=="popover"&&n==1?"":n)}}function At(t){return function(e){var n=this.__e;if(n){if(n=n[t],e[ie]==null)e[ie]=ye++;else if(e[ie]<this.__a[t])return;return n(k.event?k.event(e):e)}}}function xe(t,e,n,s,r,a,i,o,c,_){var u,p,m,d,f,h,$,v,y,w,g,N,Oe,re,j,qe,O,W,D=e.type;if(e.constructor!==X)return null;128&n.__u&&(c=32&n.__u,u=n.__c.__z)&&(e.__u|=c,p=a=[],u.nodeType==8?o=ce(u,a):a.push(u),o=a[0]||o),(u=k.__b)&&u(e);e:if(typeof D=="function"){m=i.length;try{if(v=e.props,y=(u=D.prototype)&&u.render,w=(u=D.contextType)&&s[u.__c],g=u?w?w.props.value:u.__:s,(d=n.__c)?(e.__c=d,2&d.__g&&(d.__g|=1)):(y?e.__c=d=new D(v,g):(e.__c=d=new le(v,g),d.constructor=D,d.render=Mt),w&&w.sub(d),d.state||(d.state={}),d.__n=s,d.__g|=8,d.__h=[],d.__k=[]),y&&(d.__s||(d.__s=d.state),D.getDerivedStateFromProps&&(d.__s==d.state&&(d.__s=V({},d.__s)),V(d.__s,D.getDerivedStateFromProps(v,d.__s)))),f=d.props,h=d.state,d.__v=e,n.__c){if(v!==f&&y&&!D.getDerivedStateFromProps&&d.componentWillReceiveProps&&d.componentWillReceiveProps(v,g),e.__v==n.__v&&!(8&d.__g)||!(4&d.__g)&&d.shouldComponentUpdate&&d.shouldComponentUpdate(v,d.__s,g)===!1){e.__v!=n.__v&&(d.props=v,d.state=d.__s,d.__g&=-9),e.__e=n.__e,e.__k=n.__k,e.__k.some(function(E){E&&(E.__=e)}),pe.push.apply(d.__h,d.__k),d.__k=[],d.__h.length&&i.push(d),o=F(n);break e}d.componentWillUpdate&&d.componentWillUpdate(v,d.__s,g),y&&d.componentDidUpdate&&d.__h.push(function(){d.componentDidUpdate(f,h,$)})}else y&&!D.getDerivedStateFromProps&&d.componentWillMount&&d.componentWillMount(),y&&d.componentDidMount&&d.__h.push(d.componentDidMount);d.context=g,d.props=v,d.__P=t,d.__g&=-5,N=k.__r,Oe=y?25:0;do d.__g&=-9,N&&N(e),u=d.render(d.props,d.state=d.__s,d.context);while(8&d.__g&&++Oe<25);y&&(pe.push.apply(d.__h,d.__k),d.__k=[]),d.state=d.__s,d.getChildContext&&(s=V({},s,d.getChildContext())),y&&n.__c&&d.getSnapshotBeforeUpdate&&($=d.getSnapshotBeforeUpdate(f,h)),re=u&&u.type===fe&&u.key==null?u.props.children:u,v.__P&&(u=o,r=(t=v.__P).namespaceURI,c=a=null,n.props&&n.props.__P!=t&&(n.__k.some(function(E){E&&Se(E,E)}),n.__k=null),o=n.__k?F(n,0):null),o=ze(t,be(re)?re:[re],e,n,s,r,a,i,o,c,_),v.__P&&(e.__e=null,o=u),e.__u&=-161,p&&p.some(B),d.__h.length&&i.push(d),1&d.__g&&(d.__g&=-4)}catch(E){if(i.length=m,e.__v=null,c||a)if(E&&E.then){if(e.__u|=128|c,a){for(~(O=a.indexOf(o||void 0))||(O=a.length);(W=a[O-1])&&W.nodeType==8;)O--;for(;O<a.length;O++)if(W=a[O])if(a[O]=null,j){if(W==qe)break}else{if(W.nodeType!=8)break;W.data.startsWith("$s")&&(qe=ce(j=W))}}if(!j){for(;o&&o.nodeType==8&&o.nextSibling;)o=o.nextSibling;j=o}(u=ce(j=e.__c.__z||(e.__c.__z=j)))?(e.__e=j,o=u):e.__e=o,o=o&&o.nextSibling}else a&&a.some(B);else e.__e=n.__e;e.__k||(e.__k=n.__k||[]),E&&E.then||Je(e),k.__e(E,e,n)}}else o=e.__e=Dt(n.__e,e,n,s,r,a,i,c,_,t);return(u=k.diffed)&&u(e),o}function ce(t,e){if(t&&t.nodeType==8&&t.data.startsWith("$s"))for(var n=1;t=t.nextSibling;){if(t.nodeType==8){if(t.data.startsWith("$s"))n++;else if(t.data.startsWith("/$s")&&!--n)return t}e&&e.push(t)}}function Je(t){t&&(t.__c&&(t.__c.__g|=4),t.__k&&t.__k.some(Je))}function Qe(t,e,n){for(var s=0;s<n.length;)we(n[s++],n[s++],n[s++]);k.__c&&k.__c(e,t),t.some(function(r){try{t=r.__h,r.__h=[],t.some(function(a){a.call(r)})}catch(a){k.__e(a,r.__v)}})}function Dt(t,e,n,s,r,a,i,o,c,_){var u,p,m,d,f,h,$,v,y=n.props||ue,w=e.props,g=e.type;if(g=="svg"?r="http://www.w3.org/2000/svg":g=="math"?r="http://www.w3.org/1998/Math/MathML":r||(r="http://www.w3.org/1999/xhtml"),a){for(u=0;u<a.length;u++)if((f=a[u])&&(g?f.localName==g:f.nodeType==3)){t=f,a[u]=null;break}}if(!t){if(v=_.ownerDocument||document,!g)return v.createTextNode(w);t=v.createElementNS(r,g,w.is?w:_),o&&(k.__m&&k.__m(e,a),o=!1),a=null}if(g){if(_=g=="template"&&t.content||t,a=g=="textarea"&&w.defaultValue!=null?null:a&&ke.call(_.childNodes),!o&&a)for(y={},u=0;u<t.attributes.length;u++)y[(f=t.attributes[u]).name]=f.value;for(u in y)f=y[u],u=="dangerouslySetInnerHTML"?m=f:u=="children"||u in w||u=="value"&&"defaultValue"in w||u=="checked"&&"defaultChecked"in w||oe(t,u,null,f,r);for(u in w)f=w[u],u=="children"?d=f:u=="dangerouslySetInnerHTML"?p=f:u=="value"?h=f:u=="checked"?$=f:o&&typeof f!="function"||y[u]===f||oe(t,u,f,y[u],r);p?(o||m&&(p.__html==m.__html||p.__html==t.innerHTML)||(t.innerHTML=p.__html),e.__k=[]):(m&&(t.textContent=""),(g=="foreignObject"||r=="http://www.w3.org/1998/Math/MathML"&&Nt.test(g))&&(r="http://www.w3.org/1999/xhtml"),ze(_,be(d)?d:[d],e,n,s,r,a,i,a?a[0]:n.__k&&F(n,0),o,c),a&&a.some(B)),o&&g!="textarea"||(u="value",g=="progress"&&h==null?t.removeAttribute(u):h==null||h===t[u]&&(g!="progress"||h)||oe(t,u,h,y[u],r),u="checked",$!=null&&$!=t[u]&&oe(t,u,$,y[u],r))}else y===w||o&&t.data==w||(t.data=w);return t}function we(t,e,n,s){try{typeof t=="function"?e?e.__x=t(e)||1:s&&(s=s.__c||s.__e)&&(e=s.__x)&&(s.__x=null,typeof e=="function"?e():t(null)):t.current=e}catch(r){k.__e(r,n)}}function Se(t,e,n){var s,r,a,i;if(k.unmount&&k.unmount(t),!(s=t.ref)||s.current&&s.current!=t.__e||we(s,null,e,t),s=t.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(o){k.__e(o,e)}s.__P=s.__n=null}if(s=t.__k)for(i=0;i<s.length;i++)s[i]&&Se(s[i],e,typeof t.type!="function"||n&&!t.props.__P);!n&&(s=t.__c)&&(s=s.__z)&&(r=ce(s,a=[]))&&(s==t.__e&&a.some(B),B(r),B(s)),n||B(t.__e),t.__e=t.__c=t.__=null}function Mt(t,e,n){return this.constructor(t,n)}function Xe(t,e){var n,s,r,a;k.__&&k.__(t,e),e.nodeType==9&&(e=e.documentElement),s=(n=t&&32&t.__u)?null:e.__k,e.__k=Q(fe,{children:[t]}),r=[],a=[],xe(e,e.__k,s||ue,ue,e.namespaceURI,s?null:e.firstChild?ke.call(e.childNodes):null,r,s?s.__e:e.firstChild,n,a),Qe(r,e.__k,a),e.__k.props.children=null}k={__e:function(t,e,n,s){for(var r,a,i;e=e.__;)if((r=e.__c)&&!(1&r.__g)){r.__g|=4;try{if((i=(a=r.constructor)&&a.getDerivedStateFromError)&&r.setState(a.getDerivedStateFromError(t)),r.componentDidCatch&&(r.componentDidCatch(t,s||{}),i=1),i&&8&r.__g)return void(r.__g|=2)}catch(o){t=o}}throw de=0,t}},je=0,Tt=function(t){return t!=null&&t.constructor===X},le.prototype.setState=function(t,e){var n=this.__s;n&&n!=this.state||(n=this.__s=V({},this.state)),typeof t=="function"&&(t=t(V({},n),this.props)),t&&(V(n,t),this.__v&&(e&&this.__k.push(e),Fe(this)))},le.prototype.forceUpdate=function(t){this.__v&&(this.__g|=4,t&&this.__h.push(t),Fe(this))},le.prototype.render=fe,q=[],de=0,We=function(t,e){return t.__v.__b-e.__v.__b},ie=Symbol(),Be=/(PointerCapture)$|Capture$/i,ye=0,ve={},It=0;var ee,C,Ce,Ze,Le=Object.is,te=0,lt=[],Te=[],S=k,et=S.__b,tt=S.__r,nt=S.diffed,st=S.__c,at=S.unmount,rt=S.__;function Ne(t,e){S.__h&&S.__h(C,t,te||e),te=0;var n=C.__H||(C.__H={__:[],__h:[]});return t>=n.__.length&&n.__.push({}),n.__[t]}function b(t){return te=1,Ut(ut,t)}function Ut(t,e,n){var s=Ne(ee++,2);if(s.t=t,!s.__c&&(s.__=[n?n(e):ut(void 0,e),function(a){var i=(s.__N||s.__)[0],o=s.t(i,a);Le(i,o)||(s.__N=[o,s.__[1]],s.__c.setState({}))}],s.__c=C,!C.__f)){C.__f=!0;var r=C.shouldComponentUpdate;C.shouldComponentUpdate=function(a,i,o){var c=this.__H;if(!c)return!0;var _=!1,u=this.props!=a;if(c.__.some(function(m){m.__N&&(_=!0,Le(m.__[0],m.__N[0])||(u=!0))}),r){var p=r.call(this,a,i,o);return _?p||u:p}return!_||u}}return s.__}function M(t,e){var n=Ne(ee++,3);!S.__s&&dt(n.__H,e)&&(n.__P=!0,n.__=t,n.u=e,C.__H.__h.push(n))}function Y(t){return te=5,ne(function(){return{current:t}},[])}function ne(t,e){var n=Ne(ee++,7);return dt(n.__H,e)&&(n.__=t(),n.__H=e),n.__}function ct(t,e){return te=8,ne(function(){return t},e)}function Ot(){var t;do{for(;t=Te.shift();)try{Z(t)}catch(n){S.__e(n,{__:(t=t.__P)&&t.__v})}for(;t=lt.shift();){var e=t.__H;if(t.__P&&e)try{e.__h.some(Z),e.__h.some(Ie),e.__h=[]}catch(n){e.__h=[],S.__e(n,t.__v)}}}while(Te.length)}S.__b=function(t){C=null,et&&et(t)},S.__=function(t,e){t&&e.__k&&e.__k.__m&&(t.__m=e.__k.__m),rt&&rt(t,e)},S.__r=function(t){tt&&tt(t),ee=0;var e=(C=t.__c).__H;e&&(Ce==C?C.__h=[]:(e.__h.some(Z),e.__h.some(Ie),ee=0),e.__h=[],e.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Ce=C},S.diffed=function(t){nt&&nt(t);var e=t.__c;e&&e.__H&&(e.__H.__h.length&&it(lt.push(e)),e.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Ce=C=null},S.__c=function(t,e){e.some(function(n){try{n.__h.some(Z),n.__h=n.__h.filter(function(s){return!s.__||Ie(s)})}catch(s){n.__h=[function(){throw s}]}}),st&&st(t,e)},S.unmount=function(t){at&&at(t);var e,n,s=t.__c;s&&s.__H&&(s.__H.__.some(function(r){try{if(r.__P&&r.__c){if(n===void 0){for(n=t.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}r.__P=n,it(Te.push(r))}else Z(r)}catch(a){e=a}}),s.__H=void 0,e&&S.__e(e,s.__v))};var ot=typeof requestAnimationFrame=="function";function qt(t){var e,n=function(){clearTimeout(s),ot&&cancelAnimationFrame(e),setTimeout(t)},s=setTimeout(n,35);ot&&(e=requestAnimationFrame(n))}function it(t){t!=1&&Ze==S.requestAnimationFrame||((Ze=S.requestAnimationFrame)||qt)(Ot)}function Z(t){var e=C,n=t.__c;typeof n=="function"&&(t.__c=void 0,n()),C=e}function Ie(t){var e=C;t.__c=t.__(),C=e}function dt(t,e){return!t||t.length!=e.length||e.some(function(n,s){return!Le(n,t[s])})}function ut(t,e){return typeof e=="function"?e(t):e}var Ee="scanfleet.token",Re=sessionStorage.getItem(Ee)||"",Pe=new Set;function pt(){return Re}function _e(t){Re=t,t?sessionStorage.setItem(Ee,t):sessionStorage.removeItem(Ee);for(let e of Pe)e(t)}function ft(t){return Pe.add(t),()=>Pe.delete(t)}var J=class extends Error{constructor(e,n){super(n),this.status=e}};async function x(t,{method:e="GET",body:n,raw:s=!1,token:r}={}){let a={Authorization:"Bearer "+(r??Re)};n!==void 0&&(a["Content-Type"]="application/json");let i=await fetch(t,{method:e,headers:a,body:n===void 0?void 0:JSON.stringify(n)});if(i.status===401)throw r===void 0&&_e(""),new J(401,"The token was refused; log in again.");if(!i.ok){let o=i.statusText;try{o=(await i.json()).error||o}catch{}throw new J(i.status,o)}return s?i:i.status===204?null:i.json()}async function _t(t,e){let n=await x(t,{raw:!0}),s=n.headers.get("Content-Disposition")||"",r=/filename="([^"]+)"/.exec(s),a=await n.blob(),i=URL.createObjectURL(a),o=document.createElement("a");o.href=i,o.download=r?r[1]:e,document.body.appendChild(o),o.click(),o.remove(),setTimeout(()=>URL.revokeObjectURL(i),1e4)}function G(t){let e=new URLSearchParams;for(let[s,r]of Object.entries(t))r!=null&&r!==""&&r!==!1&&e.set(s,String(r));let n=e.toString();return n?"?"+n:""}var ht=function(t,e,n,s){var r;e[0]=0;for(var a=1;a<e.length;a++){var i=e[a++],o=e[a]?(e[0]|=i?1:2,n[e[a++]]):e[++a];i===3?s[0]=o:i===4?s[1]=Object.assign(s[1]||{},o):i===5?(s[1]=s[1]||{})[e[++a]]=o:i===6?s[1][e[++a]]+=o+"":i?(r=t.apply(o,ht(t,o,n,["",null])),s.push(r),o[0]?e[0]|=2:(e[a-2]=0,e[a]=r)):s.push(o)}return s},mt=new Map;function gt(t){var e=mt.get(this);return e||(e=new Map,mt.set(this,e)),(e=ht(this,e.get(t)||(e.set(t,e=(function(n){for(var s,r,a=1,i="",o="",c=[0],_=function(m){a===1&&(m||(i=i.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?c.push(0,m,i):a===3&&(m||i)?(c.push(3,m,i),a=2):a===2&&i==="..."&&m?c.push(4,m,0):a===2&&i&&!m?c.push(5,0,!0,i):a>=5&&((i||!m&&a===5)&&(c.push(a,0,i,r),a=6),m&&(c.push(a,m,0,r),a=6)),i=""},u=0;u<n.length;u++){u&&(a===1&&_(),_(u));for(var p=0;p<n[u].length;p++)s=n[u][p],a===1?s==="<"?(_(),c=[c],a=3):i+=s:a===4?i==="--"&&s===">"?(a=1,i=""):i=s+i[0]:o?s===o?o="":i+=s:s==='"'||s==="'"?o=s:s===">"?(_(),a=1):a&&(s==="="?(a=5,r=i,i=""):s==="/"&&(a<5||n[u][p+1]===">")?(_(),a===3&&(c=c[0]),a=c,(c=c[0]).push(2,0,a),a=0):s===" "||s==="	"||s===`
`||s==="\r"?(_(),a=2):i+=s),a===3&&i==="!--"&&(a=4,c=c[0])}return _(),c})(t)),e),arguments,[])).length>1?e:e[0]}var l=gt.bind(Ve);function me(t){let[e,n]=b(t),s=Y(t);return M(()=>{s.current!==t&&(s.current=t,n(t))},[t]),[e,n]}var U=["CRITICAL","HIGH","MEDIUM","LOW","NEGLIGIBLE","UNKNOWN"];function Ae(){let t=location.hash.replace(/^#/,"")||"/images",[e,n=""]=t.split("?");return{parts:e.split("/").filter(Boolean).map(decodeURIComponent),query:Object.fromEntries(new URLSearchParams(n))}}function P(t,e={}){let n=new URLSearchParams;for(let[r,a]of Object.entries(e))a!=null&&a!==""&&a!==!1&&n.set(r,String(a));let s=n.toString();return"#/"+t.map(r=>encodeURIComponent(r).replace(/%3A/gi,":")).join("/")+(s?"?"+s:"")}function se(t,e){location.hash=P(t,e)}function T(t,e,n=0){let[s,r]=b({data:null,error:null,loading:!0}),a=Y(0),i=ct(async()=>{let o=++a.current;try{let c=await t();o===a.current&&r({data:c,error:null,loading:!1})}catch(c){o===a.current&&r(_=>({data:_.data,error:c,loading:!1}))}},e);return M(()=>{if(r(c=>({...c,loading:!0})),i(),!n)return;let o=setInterval(i,n);return()=>{clearInterval(o),a.current++}},[i]),{...s,reload:i}}function he(){return typeof matchMedia=="function"&&matchMedia("(max-width: 600px)").matches}function R(t){if(!t)return"";let[e,n]=t.includes(":")?t.split(":"):["",t];return(e?e+":":"")+n.slice(0,12)}function H(t){if(!t)return"never";let e=new Date(t);return isNaN(e)||e.getFullYear()<2e3?"never":e.toLocaleString()}function A(t){if(!t)return"never";let e=new Date(t);if(isNaN(e)||e.getFullYear()<2e3)return"never";let n=Math.round((Date.now()-e.getTime())/1e3);return n<5?"just now":n<60?n+" s ago":n<3600?Math.round(n/60)+" min ago":n<86400?Math.round(n/3600)+" h ago":Math.round(n/86400)+" d ago"}function $t(t){if(!t)return"0 B";let e=["B","KB","MB","GB","TB"],n=0;for(;t>=1e3&&n<e.length-1;)t/=1e3,n++;return(n?t.toFixed(1):t)+" "+e[n]}function K(t){return"sev sev-"+(t||"unknown").toLowerCase()}function L({error:t}){return t?l`<p class="error" role="alert">${t.message||String(t)}</p>`:null}function I({what:t="Loading"}){return l`<p class="muted" role="status">${t}…</p>`}var De=[["","Manual only"],["15m0s","Every 15 minutes"],["1h0m0s","Every hour"],["6h0m0s","Every 6 hours"],["24h0m0s","Every day"]];function Ft(t){if(!t)return"Manual";let e=De.find(([n])=>n===t);return e?e[1]:"Every "+t}var vt={name:"",url:"",username:"",password:"",token:"",insecure:!1,filters:"",interval:"",max_repositories:"",max_tags:"",rescan_after_db_update:!1};function Ht({initial:t,onDone:e,onCancel:n}){let s=!!t,[r,a]=b(t?{...vt,...t,password:"",token:"",filters:(t.filters||[]).join(`
`),interval:t.interval||"",max_repositories:t.max_repositories||"",max_tags:t.max_tags||""}:vt),[i,o]=b(null),[c,_]=b(!1),u=d=>f=>{let h=f.currentTarget;a({...r,[d]:h.type==="checkbox"?h.checked:h.value})};async function p(d){d.preventDefault(),_(!0),o(null);let f={name:r.name.trim(),url:r.url.trim(),username:r.username.trim()||void 0,password:r.password||void 0,token:r.token||void 0,insecure:r.insecure||void 0,filters:r.filters.split(/[\n,]/).map(h=>h.trim()).filter(Boolean),interval:r.interval.trim(),max_repositories:r.max_repositories?Number(r.max_repositories):void 0,max_tags:r.max_tags?Number(r.max_tags):void 0,rescan_after_db_update:r.rescan_after_db_update||void 0};try{s?await x("/api/v1/registries/"+encodeURIComponent(t.name),{method:"PUT",body:f}):await x("/api/v1/registries",{method:"POST",body:f}),e(f.name)}catch(h){o(h),_(!1)}}let m=r.interval&&!De.some(([d])=>d===r.interval);return l`<form class="card form" onSubmit=${p} aria-labelledby="regform-title">
    <h2 id="regform-title">${s?"Edit registry "+t.name:"Add a registry"}</h2>
    <div class="grid">
      <div class="field">
        <label for="reg-name">Name</label>
        <input id="reg-name" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,62}" value=${r.name} onInput=${u("name")}
          readonly=${s} aria-describedby="reg-name-hint" />
        <small id="reg-name-hint">Letters, digits, “.”, “_”, “-”.</small>
      </div>
      <div class="field">
        <label for="reg-url">URL</label>
        <input id="reg-url" type="url" required placeholder="https://registry.example" value=${r.url} onInput=${u("url")} />
      </div>
      <div class="field">
        <label for="reg-user">Username</label>
        <input id="reg-user" autocomplete="off" value=${r.username} onInput=${u("username")} />
      </div>
      <div class="field">
        <label for="reg-pass">Password</label>
        <input id="reg-pass" type="password" autocomplete="new-password" value=${r.password} onInput=${u("password")}
          aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-token">Registry token</label>
        <input id="reg-token" type="password" autocomplete="off" value=${r.token} onInput=${u("token")} aria-describedby="reg-secret-hint" />
      </div>
      <div class="field">
        <label for="reg-schedule">Schedule</label>
        <select id="reg-schedule" value=${m?"custom":r.interval} onChange=${d=>{let f=d.currentTarget.value;a({...r,interval:f==="custom"?"2h":f})}}>
          ${De.map(([d,f])=>l`<option value=${d}>${f}</option>`)}
          <option value="custom">Other interval…</option>
        </select>
      </div>
      ${m&&l`<div class="field">
        <label for="reg-interval">Interval (Go duration, e.g. 90m)</label>
        <input id="reg-interval" value=${r.interval} onInput=${u("interval")} />
      </div>`}
      <div class="field wide">
        <label for="reg-filters">Filters (one per line: repository glob, optionally :tag glob)</label>
        <textarea id="reg-filters" rows="3" placeholder="team/*:v*" value=${r.filters} onInput=${u("filters")}></textarea>
      </div>
      <div class="field">
        <label for="reg-maxrepos">Max repositories</label>
        <input id="reg-maxrepos" type="number" min="0" value=${r.max_repositories} onInput=${u("max_repositories")} />
      </div>
      <div class="field">
        <label for="reg-maxtags">Max tags per repository</label>
        <input id="reg-maxtags" type="number" min="0" value=${r.max_tags} onInput=${u("max_tags")} />
      </div>
      <div class="field check">
        <input id="reg-insecure" type="checkbox" checked=${r.insecure} onChange=${u("insecure")} />
        <label for="reg-insecure">Skip TLS verification</label>
      </div>
      <div class="field check">
        <input id="reg-rescan" type="checkbox" checked=${r.rescan_after_db_update} onChange=${u("rescan_after_db_update")} />
        <label for="reg-rescan">Rescan after database updates</label>
      </div>
    </div>
    <p id="reg-secret-hint" class="hint">
      Secrets are stored encrypted and never shown again.
      ${s&&l` Saving replaces them:
        ${t.password_set||t.token_set?l`<strong>retype the password or token</strong>, or leave both empty for none.`:"none is set now."}`}
    </p>
    <${L} error=${i} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${c}>${s?"Save":"Add registry"}</button>
      <button type="button" onClick=${n}>Cancel</button>
    </div>
  </form>`}function jt({r:t}){let e=t.queued+t.leased+t.scanned+t.failed,n=t.crawling||t.queued+t.leased>0,s;return t.crawling?s="Listing images\u2026":n?s=`Scanning: ${t.scanned} of ${e} done, ${t.leased} in progress, ${t.queued} waiting`:t.last_crawl?s=`Last scan ${A(t.last_crawl)}: ${t.scanned} scanned`+(t.failed?`, ${t.failed} failed`:""):s="Never scanned",l`<div class="progress-cell">
    <span class=${n?"state running":"state"} data-testid="reg-status">${s}</span>
    ${n&&e>0&&l`<progress max=${e} value=${t.scanned+t.failed} aria-label=${"Scan progress of "+t.name}></progress>`}
    ${t.last_error&&l`<span class="error small">Last crawl error: ${t.last_error}</span>`}
  </div>`}function yt({role:t}){let e=t==="admin",{data:n,error:s,reload:r}=T(()=>x("/api/v1/console/registries"),[],2e3),[a,i]=b(null),[o,c]=b(""),[_,u]=b(null);async function p(m,d){u(null);try{await m(),c(d),r()}catch(f){u(f)}}return l`
    <div class="page-head">
      <h1>Registries</h1>
      ${e&&!a&&l`<button type="button" class="primary" onClick=${()=>i("new")}>Add registry</button>`}
    </div>
    <p class="sr-only" role="status" aria-live="polite">${o}</p>
    ${a&&l`<${Ht}
      initial=${a==="new"?null:a}
      onCancel=${()=>i(null)}
      onDone=${m=>{i(null),c("Registry "+m+" saved."),r()}}
    />`}
    <${L} error=${_||s} />
    ${!n&&!s&&l`<${I} />`}
    ${n&&n.length===0&&l`<p class="empty">No registries yet.${e?" Add one to start scanning.":""}</p>`}
    ${n&&n.length>0&&l`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registries and the progress of their scans</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">URL</th><th scope="col">Schedule</th><th scope="col">Images</th>
        <th scope="col">Status</th>${e&&l`<th scope="col"><span class="sr-only">Actions</span></th>`}</tr></thead>
      <tbody>
        ${n.map(m=>l`<tr key=${m.name} data-registry=${m.name}>
            <th scope="row"><a href=${P(["images"],{registry:m.name})}>${m.name}</a>
              ${(m.filters||[]).length>0&&l`<div class="small muted">${m.filters.join(", ")}</div>`}</th>
            <td class="mono small">${m.url}${m.username&&l`<div class="muted">as ${m.username}</div>`}</td>
            <td>${Ft(m.interval)}${m.rescan_after_db_update&&l`<div class="small muted">rescans after DB updates</div>`}</td>
            <td class="num">${m.images}</td>
            <td><${jt} r=${m} /></td>
            ${e&&l`<td class="actions-cell">
              <button type="button" class="primary small" aria-label=${"Scan "+m.name+" now"} disabled=${m.crawling}
                onClick=${()=>p(()=>x(`/api/v1/registries/${encodeURIComponent(m.name)}/scan`,{method:"POST",body:{}}),"Scan of "+m.name+" started.")}>Scan now</button>
              <button type="button" class="small" aria-label=${"Edit "+m.name} onClick=${()=>i(m)}>Edit</button>
              <button type="button" class="small danger" aria-label=${"Delete "+m.name}
                onClick=${()=>confirm(`Delete registry ${m.name}? Its stored results stay.`)&&p(()=>x(`/api/v1/registries/${encodeURIComponent(m.name)}`,{method:"DELETE"}),"Registry "+m.name+" deleted.")}>Delete</button>
            </td>`}
          </tr>`)}
      </tbody>
    </table></div>`}
    <p class="hint">Status refreshes every 2 seconds.</p>`}var bt={CRITICAL:"#8e1b1b",HIGH:"#d2461c",MEDIUM:"#c98a00",LOW:"#2f6db3",NEGLIGIBLE:"#5f7481",UNKNOWN:"#8a8a8a"};function Me(t){return bt[t]||bt.UNKNOWN}function ge({counts:t={},fixable:e={},title:n="Findings by severity"}){let s=U.filter(f=>t[f]>0);if(!s.reduce((f,h)=>f+t[h],0))return l`<figure class="chart"><figcaption>${n}</figcaption><p class="muted">No findings.</p></figure>`;let a=Math.max(...s.map(f=>t[f])),i=26,o=he(),c=o?84:92,_=o?96:120,u=o?340:560,p=u-c-_,m=s.length*i+24,d=n+": "+s.map(f=>`${t[f]} ${f.toLowerCase()} (${e[f]||0} with a fix)`).join(", ");return l`<figure class="chart">
    <figcaption>${n}</figcaption>
    <svg viewBox="0 0 ${u} ${m}" role="img" aria-label=${d} preserveAspectRatio="xMinYMin meet">
      <defs>
        ${s.map(f=>l`<pattern id=${"nofix-"+f} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill=${Me(f)} opacity="0.35" />
            <line x1="0" y1="0" x2="0" y2="6" stroke=${Me(f)} stroke-width="3" />
          </pattern>`)}
      </defs>
      ${s.map((f,h)=>{let $=h*i+2,v=t[f],y=Math.min(e[f]||0,v),w=Math.max(2,v/a*p),g=y/v*w;return l`<g>
          <text x="0" y=${$+16} class="chart-label">${f}</text>
          <rect x=${c} y=${$+3} width=${g} height="18" fill=${Me(f)} />
          <rect x=${c+g} y=${$+3} width=${w-g} height="18" fill=${"url(#nofix-"+f+")"} />
          <text x=${c+w+6} y=${$+16} class="chart-num">${v} (${y} fix)</text>
        </g>`})}
      <g transform=${`translate(${c},${s.length*i+8})`}>
        <rect width="12" height="10" fill="#555" /><text x="16" y="9" class="chart-legend">has a fix</text>
        <rect x="90" width="12" height="10" fill="url(#nofix-${s[0]})" /><text x="106" y="9" class="chart-legend">no fix yet</text>
      </g>
    </svg>
  </figure>`}function kt({samples:t=[],series:e,title:n}){let s=he()?360:640,r=he()?200:220,a=44,i=12,o=12,c=40;if(t.length<2)return l`<figure class="chart"><figcaption>${n}</figcaption><p class="muted">Not enough samples yet.</p></figure>`;let _=new Date(t[0].time).getTime(),u=new Date(t[t.length-1].time).getTime(),p=Math.max(1,u-_),m=Math.max(1,...t.flatMap(g=>e.map(N=>g[N.key]||0))),d=Wt(m),f=g=>a+(new Date(g).getTime()-_)/p*(s-a-i),h=g=>o+(1-g/d)*(r-o-c),$=t[t.length-1],v=n+` over the last ${Math.round(p/6e4)||"<1"} min: `+e.map(g=>`${g.label} now ${$[g.key]||0}, peak ${Math.max(...t.map(N=>N[g.key]||0))}`).join("; "),y=[0,d/2,d],w=g=>new Date(g).toLocaleTimeString([],{hour:"2-digit",minute:"2-digit",second:"2-digit"});return l`<figure class="chart">
    <figcaption>${n}</figcaption>
    <svg viewBox="0 0 ${s} ${r}" role="img" aria-label=${v} preserveAspectRatio="xMinYMin meet">
      ${y.map(g=>l`<g>
          <line x1=${a} x2=${s-i} y1=${h(g)} y2=${h(g)} class="grid" />
          <text x=${a-6} y=${h(g)+4} text-anchor="end" class="chart-num">${g}</text>
        </g>`)}
      <text x=${a} y=${r-c+16} class="chart-num">${w(t[0].time)}</text>
      <text x=${s-i} y=${r-c+16} text-anchor="end" class="chart-num">${w($.time)}</text>
      ${e.map(g=>l`<polyline fill="none" stroke=${g.color} stroke-width="2.5" stroke-linejoin="round"
          points=${t.map(N=>`${f(N.time).toFixed(1)},${h(N[g.key]||0).toFixed(1)}`).join(" ")} />`)}
      <g transform=${`translate(${a},${r-10})`}>
        ${e.map((g,N)=>l`<g transform=${`translate(${N*(s>400?120:100)},0)`}>
            <rect y="-9" width="14" height="4" fill=${g.color} /><text x="18" y="-3" class="chart-legend">${g.label}</text>
          </g>`)}
      </g>
    </svg>
  </figure>`}function Wt(t){let e=Math.pow(10,Math.floor(Math.log10(t)));for(let n of[1,2,5,10])if(n*e>=t)return n*e;return 10*e}var ae=50,Bt=[{key:"repository",label:"Image"},{key:"os",label:"OS",cls:"hide-sm"},{key:"severity",label:"Findings by severity"},{key:"fixable",label:"With a fix",cls:"num"},{key:"packages",label:"Packages",cls:"num hide-sm"},{key:"scanned_at",label:"Last scan",cls:"hide-sm"}];function Vt({sev:t={},fix:e={}}){let n=U.filter(s=>t[s]>0);return n.length?l`<span class="counts">
    ${n.map(s=>l`<span class=${K(s)} title=${`${t[s]} ${s.toLowerCase()}, ${e[s]||0} with a fix`}>
        <span aria-hidden="true">${s[0]}</span><span class="sr-only">${s.toLowerCase()}</span> ${t[s]}</span>`)}
  </span>`:l`<span class="muted">none</span>`}function xt({query:t}){let e={registry:t.registry||"",repository:t.repository||"",q:t.q||"",severity:t.severity||"",fixable:t.fixable==="true",sort:t.sort||"severity",order:t.order||"",offset:Number(t.offset)||0},n=JSON.stringify(e),{data:s,error:r,loading:a}=T(()=>x("/api/v1/console/images"+G({...e,limit:ae})),[n],1e4),[i,o]=me(e.q),c=p=>se(["images"],{...e,offset:0,...p}),_=p=>{let m=e.order?e.order==="desc":["severity","fixable","packages","scanned_at"].includes(e.sort);c({sort:p,order:e.sort===p?m?"asc":"desc":""})},u=p=>e.sort!==p?void 0:(e.order?e.order==="desc":["severity","fixable","packages","scanned_at"].includes(p))?"descending":"ascending";return l`
    <div class="page-head"><h1>Images</h1></div>
    <form class="filters" role="search" aria-label="Filter images" onSubmit=${p=>{p.preventDefault(),c({q:i.trim()})}}>
      <div class="field">
        <label for="f-registry">Registry</label>
        <select id="f-registry" value=${e.registry} onChange=${p=>c({registry:p.currentTarget.value,repository:""})}>
          <option value="">All</option>
          ${(s?.registries||(e.registry?[e.registry]:[])).map(p=>l`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-repo">Repository</label>
        <select id="f-repo" value=${e.repository} onChange=${p=>c({repository:p.currentTarget.value})}>
          <option value="">All</option>
          ${(s?.repositories||(e.repository?[e.repository]:[])).map(p=>l`<option value=${p}>${p}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="f-sev">Has severity</label>
        <select id="f-sev" value=${e.severity} onChange=${p=>c({severity:p.currentTarget.value})}>
          <option value="">Any</option>
          ${U.map(p=>l`<option value=${p}>${p[0]+p.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="name, tag, digest or OS" value=${i} onInput=${p=>o(p.currentTarget.value)} />
      </div>
      <div class="field check">
        <input id="f-fix" type="checkbox" checked=${e.fixable} onChange=${p=>c({fixable:p.currentTarget.checked})} />
        <label for="f-fix">Only with fixes</label>
      </div>
      <button type="submit">Search</button>
    </form>
    <${L} error=${r} />
    ${!s&&!r&&l`<${I} />`}
    ${s&&l`
      <div class="summary">
        <p role="status" aria-live="polite"><strong>${s.total}</strong> image${s.total===1?"":"s"}${a?" (refreshing\u2026)":""}</p>
        <${ge} counts=${s.severities} fixable=${s.fixable} title="Findings in these images by severity" />
      </div>
      ${s.total===0?l`<p class="empty">No scanned image matches. Add a registry and scan it, or change the filters.</p>`:l`<div class="table-wrap"><table class="data images">
        <caption class="sr-only">Scanned images, sorted by ${e.sort}</caption>
        <thead><tr>
          ${Bt.map(p=>l`<th scope="col" class=${p.cls||""} aria-sort=${u(p.key)}>
              <button type="button" class="sort" onClick=${()=>_(p.key)}>${p.label}<span aria-hidden="true">${e.sort===p.key?u(p.key)==="descending"?" \u25BC":" \u25B2":""}</span></button></th>`)}
        </tr></thead>
        <tbody>
          ${s.items.map(p=>{let m=Object.values(p.fixable||{}).reduce((d,f)=>d+f,0);return l`<tr key=${p.registry+p.repository+p.digest}>
              <th scope="row">
                <a href=${P(["image",p.digest])}>${p.repository}:${p.tag}</a>
                <div class="small muted mono hide-sm">${p.registry} · ${R(p.digest)}</div>
              </th>
              <td class="hide-sm">${p.os||l`<span class="muted">unknown</span>`}</td>
              <td><${Vt} sev=${p.severities} fix=${p.fixable} /></td>
              <td class="num">${m} / ${p.vulnerabilities}</td>
              <td class="num hide-sm">${p.packages}</td>
              <td class="hide-sm" title=${p.scanned_at}>${A(p.scanned_at)}</td>
            </tr>`})}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${e.offset===0} onClick=${()=>c({offset:Math.max(0,e.offset-ae)})}>Previous</button>
        <span>${e.offset+1}–${Math.min(s.total,e.offset+ae)} of ${s.total}</span>
        <button type="button" disabled=${e.offset+ae>=s.total} onClick=${()=>c({offset:e.offset+ae})}>Next</button>
      </nav>`}
    `}`}var z=[["findings","Findings"],["layers","Layers"],["packages","Packages"]],Gt=[["json","JSON"],["sarif","SARIF"],["cyclonedx","CycloneDX"],["spdx","SPDX"]];function Kt(t){let n=(t.references||[]).find(s=>/^https:\/\//.test(s));return n||(/^CVE-/.test(t.id)?"https://nvd.nist.gov/vuln/detail/"+t.id:/^GHSA-/.test(t.id)?"https://github.com/advisories/"+t.id:/^GO-/.test(t.id)?"https://pkg.go.dev/vuln/"+t.id:"https://osv.dev/vulnerability/"+t.id)}function zt({rep:t}){let[e,n]=b(""),[s,r]=b(""),[a,i]=b(!1),o=t.vulnerabilities||[],c=ne(()=>{let _=e.trim().toLowerCase();return o.filter(u=>(!s||(u.severity||"").toUpperCase()===s)&&(!a||u.fixed_version)&&(!_||(u.id+" "+(u.aliases||[]).join(" ")+" "+u.package).toLowerCase().includes(_))).sort((u,p)=>U.indexOf((u.severity||"UNKNOWN").toUpperCase())-U.indexOf((p.severity||"UNKNOWN").toUpperCase())||u.id.localeCompare(p.id))},[o,e,s,a]);return l`
    <form class="filters" role="search" aria-label="Filter findings" onSubmit=${_=>_.preventDefault()}>
      <div class="field grow">
        <label for="v-q">Find</label>
        <input id="v-q" type="search" placeholder="CVE or package" value=${e} onInput=${_=>n(_.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="v-sev">Severity</label>
        <select id="v-sev" value=${s} onChange=${_=>r(_.currentTarget.value)}>
          <option value="">Any</option>
          ${U.map(_=>l`<option value=${_}>${_[0]+_.slice(1).toLowerCase()}</option>`)}
        </select>
      </div>
      <div class="field check">
        <input id="v-fix" type="checkbox" checked=${a} onChange=${_=>i(_.currentTarget.checked)} />
        <label for="v-fix">Only with a fix</label>
      </div>
    </form>
    <p role="status" class="muted">${c.length} of ${o.length} findings</p>
    ${c.length>0&&l`<div class="table-wrap"><table class="data findings">
      <caption class="sr-only">Findings, worst first</caption>
      <thead><tr><th scope="col">Severity</th><th scope="col">Vulnerability</th><th scope="col">Package</th>
        <th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${c.map(_=>l`<tr key=${_.id+_.package+_.installed_version}>
            <td><span class=${K((_.severity||"").toUpperCase())}>${_.severity||"UNKNOWN"}</span></td>
            <th scope="row">
              <a href=${P(["vulnerabilities",_.id])}>${_.id}</a>
              <a class="ext" href=${Kt(_)} target="_blank" rel="noopener noreferrer" aria-label=${"Advisory for "+_.id+" (opens a new tab)"}>↗</a>
              ${(_.aliases||[]).length>0&&l`<div class="small muted">${_.aliases.join(", ")}</div>`}
            </th>
            <td>${_.package}${_.package_type&&l` <span class="muted small">${_.package_type}</span>`}</td>
            <td class="mono small">${_.installed_version} → ${_.fixed_version?l`<strong>${_.fixed_version}</strong>`:l`<span class="nofix">no fix</span>`}</td>
            <td class="hide-sm small">${_.layer?l`<span class="mono">${R(_.layer)}</span>`:""}
              ${_.layer_created_by&&l`<div class="created-by" title=${_.layer_created_by}>${_.layer_created_by}</div>`}</td>
          </tr>`)}
      </tbody>
    </table></div>`}`}function Yt({rep:t}){let e=t.image?.layers||[],n=a=>{let i={};for(let o of a||[])i[o.layer]=(i[o.layer]||0)+1;return i},s=n(t.packages),r=n(t.vulnerabilities);return e.length?l`<ol class="layers">
    ${e.map((a,i)=>l`<li key=${a.digest} class="card">
        <div class="layer-head"><strong>Layer ${i+1}</strong> <span class="mono small">${R(a.digest)}</span>
          <span class="muted small">${$t(a.size)}</span></div>
        <pre class="created-by-full">${a.created_by||"(no history entry)"}</pre>
        <p class="small">${s[a.digest]||0} packages introduced · ${r[a.digest]||0} findings</p>
      </li>`)}
  </ol>`:l`<p class="empty">This report lists no layers.</p>`}function Jt({rep:t}){let[e,n]=b(""),[s,r]=b(200),a=t.packages||[],i=e.trim().toLowerCase(),o=a.filter(c=>!i||(c.name+" "+c.version+" "+c.type).toLowerCase().includes(i));return l`
    <form class="filters" role="search" aria-label="Filter packages" onSubmit=${c=>c.preventDefault()}>
      <div class="field grow">
        <label for="p-q">Find a package</label>
        <input id="p-q" type="search" value=${e} onInput=${c=>n(c.currentTarget.value)} />
      </div>
    </form>
    <p role="status" class="muted">${o.length} of ${a.length} packages</p>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Packages</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col" class="hide-sm">Path</th><th scope="col" class="hide-sm">Layer</th></tr></thead>
      <tbody>
        ${o.slice(0,s).map((c,_)=>l`<tr key=${_}>
            <th scope="row">${c.name}</th><td class="mono small">${c.version}</td><td>${c.type}</td>
            <td class="hide-sm small mono">${c.path}</td><td class="hide-sm small mono">${R(c.layer)}</td>
          </tr>`)}
      </tbody>
    </table></div>
    ${o.length>s&&l`<button type="button" onClick=${()=>r(s+500)}>Show more (${o.length-s} left)</button>`}`}function wt({digest:t,query:e}){let{data:n,error:s}=T(()=>x("/api/v1/images/"+encodeURIComponent(t)),[t]),{data:r}=T(()=>x("/api/v1/console/images"+G({q:t,limit:20,sort:"reference"})).then(f=>f.items.filter(h=>h.digest===t)),[t]),[a,i]=b(e.tab||"findings"),[o,c]=b(null),_=ne(()=>{let f={},h={};for(let $ of n?.vulnerabilities||[]){let v=($.severity||"UNKNOWN").toUpperCase();f[v]=(f[v]||0)+1,$.fixed_version&&(h[v]=(h[v]||0)+1)}return{c:f,f:h}},[n]);if(s)return l`<h1>Image</h1><${L} error=${s} />`;if(!n)return l`<h1>Image</h1><${I} />`;let u=n.image||{},p=n.os?n.os.pretty_name||n.os.id+" "+(n.os.version_id||""):"unknown",m=(n.coverage||[]).filter(f=>!f.covered),d=f=>{let h=z.findIndex(([v])=>v===a),$=-1;f.key==="ArrowRight"&&($=(h+1)%z.length),f.key==="ArrowLeft"&&($=(h+z.length-1)%z.length),$>=0&&(f.preventDefault(),i(z[$][0]),document.getElementById("tab-"+z[$][0]).focus())};return l`
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/images">Images</a> ›</nav>
    <h1 class="break">${r&&r.length?r[0].repository+":"+r[0].tag:u.reference||t}</h1>
    ${r&&r.length>0&&l`<p class="muted small">${r.map((f,h)=>l`${h>0?", ":""}${f.registry}/${f.repository}:${f.tag}`)}</p>`}
    <p class="mono small break">${u.digest||t}</p>
    <dl class="facts">
      <div><dt>OS</dt><dd>${p}</dd></div>
      ${u.platform&&l`<div><dt>Platform</dt><dd>${u.platform}</dd></div>`}
      <div><dt>Scanned</dt><dd>${H(n.scanned_at)}</dd></div>
      <div><dt>Packages</dt><dd>${(n.packages||[]).length}</dd></div>
      <div><dt>Findings</dt><dd>${(n.vulnerabilities||[]).length}</dd></div>
      ${n.db&&l`<div><dt>Database</dt><dd><span class="mono small">${R(n.db.digest)}</span><div class="small muted">built ${H(n.db.built_at)}</div></dd></div>`}
    </dl>
    ${m.length>0&&l`<p class="warn" role="note">Not covered by the database: ${m.map(f=>f.ecosystem+" ("+f.packages+" packages)").join(", ")} — findings for these are unknown, not absent.</p>`}
    <div class="downloads" role="group" aria-label="Download the report">
      <span>Download report:</span>
      ${Gt.map(([f,h])=>l`<button type="button" class="small" onClick=${()=>{c(null),_t(`/api/v1/images/${encodeURIComponent(t)}/report?format=${f}`,"report."+f).catch(c)}}>${h}</button>`)}
    </div>
    <${L} error=${o} />
    <${ge} counts=${_.c} fixable=${_.f} />
    <div class="tabs" role="tablist" aria-label="Report sections" onKeyDown=${d}>
      ${z.map(([f,h])=>l`<button type="button" role="tab" id=${"tab-"+f} aria-controls=${"panel-"+f}
          aria-selected=${a===f?"true":"false"} tabindex=${a===f?0:-1} onClick=${()=>i(f)}>${h}</button>`)}
    </div>
    <section role="tabpanel" id=${"panel-"+a} aria-labelledby=${"tab-"+a} class="panel">
      ${a==="findings"&&l`<${zt} rep=${n} />`}
      ${a==="layers"&&l`<${Yt} rep=${n} />`}
      ${a==="packages"&&l`<${Jt} rep=${n} />`}
    </section>`}function Qt({id:t}){let{data:e,error:n}=T(()=>x("/api/v1/vulnerabilities/"+encodeURIComponent(t)),[t]);return n?l`<h1 class="break">${t}</h1>
      ${n.status===404?l`<p class="empty">No scanned image has ${t}.</p>`:l`<${L} error=${n} />`}`:e?l`
    <h1 class="break">${e.id} <span class=${K(e.severity)}>${e.severity}</span></h1>
    ${e.aliases.length>0&&l`<p>Also known as ${e.aliases.join(", ")}</p>`}
    ${e.description&&l`<p class="description">${e.description}</p>`}
    ${e.references.length>0&&l`<details><summary>References (${e.references.length})</summary><ul class="refs">
      ${e.references.map(s=>/^https?:\/\//i.test(s)?l`<li><a href=${s} target="_blank" rel="noopener noreferrer">${s}</a></li>`:l`<li>${s}</li>`)}
    </ul></details>`}
    <h2>${e.images.length} affected image${e.images.length===1?"":"s"}</h2>
    <div class="table-wrap"><table class="data">
      <caption class="sr-only">Images affected by ${e.id}</caption>
      <thead><tr><th scope="col">Image</th><th scope="col">Package</th><th scope="col">Installed → fixed</th><th scope="col" class="hide-sm">Last scan</th></tr></thead>
      <tbody>
        ${e.images.map(s=>s.findings.map((r,a)=>l`<tr key=${s.digest+a}>
              ${a===0&&l`<th scope="row" rowspan=${s.findings.length}>
                <a href=${P(["image",s.digest])}>${s.repository}:${s.tag}</a>
                <div class="small muted mono">${s.registry} · ${R(s.digest)}</div>
              </th>`}
              <td>${r.package}</td>
              <td class="mono small">${r.installed_version} → ${r.fixed_version?l`<strong>${r.fixed_version}</strong>`:l`<span class="nofix">no fix</span>`}</td>
              ${a===0&&l`<td class="hide-sm" rowspan=${s.findings.length}>${A(s.scanned_at)}</td>`}
            </tr>`))}
      </tbody>
    </table></div>`:l`<h1 class="break">${t}</h1><${I} />`}function St({id:t,query:e}){let[n,s]=me(e.q||t||""),r=e.q||"",{data:a,error:i}=T(()=>t?Promise.resolve(null):x("/api/v1/vulnerabilities"+G({q:r,limit:100})),[r,t]);async function o(c){c.preventDefault();let _=n.trim();if(/^(CVE|GHSA|GO|PYSEC|RUSTSEC|ALSA|DSA|DLA|OSV)-/i.test(_))try{let p=(await x("/api/v1/vulnerabilities"+G({q:_,limit:5}))).find(m=>m.id.toLowerCase()===_.toLowerCase());if(p)return se(["vulnerabilities",p.id])}catch{}se(["vulnerabilities"],{q:_})}return l`
    ${t?l`<nav class="crumbs" aria-label="Breadcrumb"><a href="#/vulnerabilities">Vulnerabilities</a> ›</nav>`:l`<div class="page-head"><h1>Vulnerabilities</h1></div>`}
    <form class="filters" role="search" aria-label="Find a vulnerability" onSubmit=${o}>
      <div class="field grow">
        <label for="cve-q">Vulnerability ID</label>
        <input id="cve-q" type="search" placeholder="CVE-2024-9143, GHSA-…, GO-…" value=${n} onInput=${c=>s(c.currentTarget.value)} />
      </div>
      <button type="submit" class="primary">Find</button>
    </form>
    ${t?l`<${Qt} id=${t} />`:l`
        <${L} error=${i} />
        ${!a&&!i&&l`<${I} />`}
        ${a&&a.length===0&&l`<p class="empty">${r?"No scanned image has a vulnerability matching \u201C"+r+"\u201D.":"No findings stored yet."}</p>`}
        ${a&&a.length>0&&l`<h2>${r?"Matching vulnerabilities":"Most widespread vulnerabilities"}</h2>
        <div class="table-wrap"><table class="data">
          <caption class="sr-only">Vulnerabilities and how many images have them</caption>
          <thead><tr><th scope="col">Vulnerability</th><th scope="col">Worst severity</th><th scope="col" class="num">Images</th></tr></thead>
          <tbody>${a.map(c=>l`<tr key=${c.id}><th scope="row"><a href=${P(["vulnerabilities",c.id])}>${c.id}</a></th>
              <td><span class=${K(c.severity)}>${c.severity}</span></td><td class="num">${c.images}</td></tr>`)}</tbody>
        </table></div>`}`}`}function Xt(t){let e=(new Date(t.last_seen)-new Date(t.registered_at))/6e4;return!(e>.05)||!t.done?"\u2014":(t.done/e).toFixed(1)+"/min"}function Zt({cfg:t,onSaved:e}){let[n,s]=b({...t}),[r,a]=b(null);async function i(o){o.preventDefault(),a(null);try{await x("/api/v1/autoscaler",{method:"PUT",body:{strategy:n.strategy,minScannerPods:Number(n.minScannerPods),maxScannerPods:Number(n.maxScannerPods)}}),e()}catch(c){a(c)}}return l`<form class="inline-form" onSubmit=${i} aria-label="Auto-scaler settings">
    <div class="field">
      <label for="as-strategy">Strategy</label>
      <select id="as-strategy" value=${n.strategy} onChange=${o=>s({...n,strategy:o.currentTarget.value})}>
        <option value="delayed">Delayed</option><option value="immediate">Immediate</option><option value="disabled">Disabled</option>
      </select>
    </div>
    <div class="field"><label for="as-min">Min scanners</label>
      <input id="as-min" type="number" min="0" value=${n.minScannerPods} onInput=${o=>s({...n,minScannerPods:o.currentTarget.value})} /></div>
    <div class="field"><label for="as-max">Max scanners</label>
      <input id="as-max" type="number" min="0" value=${n.maxScannerPods} onInput=${o=>s({...n,maxScannerPods:o.currentTarget.value})} /></div>
    <button type="submit" class="primary">Apply</button>
    <${L} error=${r} />
  </form>`}function Ct({role:t}){let e=T(()=>x("/api/v1/scanners"),[],3e3),n=T(()=>x("/api/v1/queue/history"),[],5e3),s=T(()=>x("/api/v1/autoscaler"),[],5e3),r=(e.data||[]).slice().sort((o,c)=>(o.state==="active"?0:1)-(c.state==="active"?0:1)),a=n.data?.samples||[],i=a[a.length-1];return l`
    <div class="page-head"><h1>Scanners</h1></div>
    ${i&&l`<ul class="stats" aria-label="Queue now">
      <li><strong>${i.queued}</strong> waiting</li><li><strong>${i.leased}</strong> scanning</li>
      <li><strong>${i.done}</strong> done</li><li><strong>${i.failed}</strong> failed</li>
      <li><strong>${i.scanners}</strong> active scanners</li>
    </ul>`}
    <${L} error=${n.error} />
    <${kt} samples=${a} title="Queue length"
      series=${[{key:"queued",label:"waiting",color:"#d2461c"},{key:"leased",label:"scanning",color:"#2f6db3"},{key:"scanners",label:"scanners",color:"#2e7d32"}]} />
    <h2>Scanners</h2>
    <${L} error=${e.error} />
    ${!e.data&&!e.error&&l`<${I} />`}
    ${e.data&&r.length===0&&l`<p class="empty">No scanner has registered. Start one with <code>scanfleet scanner --controller URL --token TOKEN</code>, or let the auto-scaler start them.</p>`}
    ${r.length>0&&l`<div class="table-wrap"><table class="data">
      <caption class="sr-only">Registered scanners</caption>
      <thead><tr><th scope="col">Scanner</th><th scope="col">State</th><th scope="col">Current images</th>
        <th scope="col" class="num">Done / failed</th><th scope="col" class="num">Throughput</th><th scope="col" class="hide-sm">Database</th><th scope="col" class="hide-sm">Last seen</th></tr></thead>
      <tbody>${r.map(o=>l`<tr key=${o.id}>
          <th scope="row">${o.name||o.id}<div class="small muted mono">${o.id} · v${o.version} · ×${o.concurrency}</div></th>
          <td><span class=${"state-badge "+o.state}>${o.state}</span></td>
          <td class="small mono">${(o.current_images||[]).length?o.current_images.map(c=>l`<div class="break">${c}</div>`):l`<span class="muted">idle</span>`}</td>
          <td class="num">${o.done} / ${o.failed}</td>
          <td class="num">${Xt(o)}</td>
          <td class="hide-sm mono small">${o.db_digest?R(o.db_digest):l`<span class="muted">none</span>`}</td>
          <td class="hide-sm" title=${H(o.last_seen)}>${A(o.last_seen)}</td>
        </tr>`)}</tbody>
    </table></div>`}
    <h2>Auto-scaler</h2>
    <${L} error=${s.error} />
    ${s.data&&(s.data.enabled?l`<p>Strategy <strong>${s.data.config.strategy}</strong>, ${s.data.config.minScannerPods}–${s.data.config.maxScannerPods} scanners${s.data.replicas!==void 0?l`, <strong>${s.data.replicas}</strong> wanted now`:""}.</p>
        ${t==="admin"&&l`<${Zt} key=${JSON.stringify(s.data.config)} cfg=${s.data.config} onSaved=${s.reload} />`}
        <h3>Events</h3>
        ${s.data.events.length===0?l`<p class="empty">No scaling events yet.</p>`:l`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Auto-scaler events, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Scanners</th><th scope="col" class="num">Queued</th><th scope="col" class="hide-sm">Reason</th></tr></thead>
          <tbody>${s.data.events.slice().reverse().map((o,c)=>l`<tr key=${c}><td title=${H(o.time)}>${A(o.time)}</td><td>${o.kind}</td><td>${o.from} → ${o.to}</td>
              <td class="num">${o.taskCount}</td><td class="hide-sm small">${o.reason}</td></tr>`)}</tbody></table></div>`}`:l`<p class="empty">This controller does not start scanners itself (start it with <code>--local-scanners-max N</code> to let it scale them).</p>`)}`}async function Ue(t){try{return{value:await x(t)}}catch(e){if(e instanceof J&&e.status===404)return{absent:!0};throw e}}function en(t){return!t||typeof t!="object"?"":Object.entries(t).filter(([,e])=>e!=null&&e!==""&&e!==!1&&!(Array.isArray(e)&&e.length===0)).map(([e,n])=>{let s=e.replace(/_/g," ");return n===!0?s:Array.isArray(n)?s+": "+n.join(", "):typeof n=="object"?s+": "+Object.entries(n).map(([r,a])=>r+"="+a).join(", "):s+": "+n}).join("; ")}function tn(t){return t==="denied"?"result deny":t==="would_deny"?"result warn-result":"result allow"}function Lt(){let t=T(()=>Ue("/api/v1/admission/settings"),[],0),e=T(()=>Ue("/api/v1/admission/rules"),[],0),n=T(()=>Ue("/api/v1/admission/decisions?limit=50"),[],5e3),s=e.data?.absent&&n.data?.absent,r=e.data?.value||[],a=n.data?.value||[],i=t.data?.value;return l`
    <div class="page-head"><h1>Admission</h1></div>
    ${s&&l`<p class="empty">Admission control is not available on this controller. When it is, its rules and the latest
      allow/deny decisions for Kubernetes workloads appear here.</p>`}
    ${!s&&l`
      ${i&&l`<p>Mode <strong>${i.mode}</strong> (${i.mode==="protect"?"deny rules refuse workloads":"deny rules only warn and record"});
        images without a scan result: <strong>${i.no_result}</strong>.</p>`}
      <h2>Rules</h2>
      <${L} error=${e.error} />
      ${!e.data&&!e.error&&l`<${I} />`}
      ${e.data&&(r.length===0?l`<p class="empty">No admission rules: every image is allowed${i&&i.no_result==="deny"?", except those without a scan result":""}.</p>`:l`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Admission rules, in the order they are evaluated</caption>
          <thead><tr><th scope="col">Rule</th><th scope="col">Action</th><th scope="col">Matches</th><th scope="col" class="hide-sm">Mode</th></tr></thead>
          <tbody>${r.map(o=>l`<tr key=${o.name} class=${o.disabled?"disabled":""}>
              <th scope="row">${o.name}${o.disabled&&l` <span class="muted small">(disabled)</span>`}
                ${o.comment&&l`<div class="small muted">${o.comment}</div>`}</th>
              <td><span class=${o.action==="deny"?"result deny":"result allow"}>${o.action}</span></td>
              <td class="small">${en(o.criteria)}</td>
              <td class="hide-sm">${o.mode||(i?i.mode+" (global)":"global")}</td>
            </tr>`)}</tbody></table></div>`)}
      <h2>Recent decisions</h2>
      <${L} error=${n.error} />
      ${!n.data&&!n.error&&l`<${I} />`}
      ${n.data&&(a.length===0?l`<p class="empty">No decisions yet.</p>`:l`<div class="table-wrap"><table class="data">
          <caption class="sr-only">Recent admission decisions, newest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Workload</th><th scope="col">Result</th><th scope="col">Images</th><th scope="col" class="hide-sm">Message</th></tr></thead>
          <tbody>${a.map(o=>l`<tr key=${o.id}>
              <td title=${H(o.at)}>${A(o.at)}</td>
              <th scope="row">${o.kind} ${o.namespace}/${o.name}<div class="small muted">${o.operation} by ${o.user}${o.dry_run?" (dry run)":""}</div></th>
              <td><span class=${tn(o.result)}>${(o.result||"").replace("_"," ")}</span></td>
              <td class="small">${(o.images||[]).map(c=>l`<div class="break"><span class="mono">${c.image}</span>: ${c.verdict?.action||"?"}${c.verdict?.rule?" by "+c.verdict.rule:""}
                  ${c.verdict?.reason&&l`<span class="muted"> — ${c.verdict.reason}</span>`}</div>`)}</td>
              <td class="hide-sm small">${o.message}</td>
            </tr>`)}</tbody></table></div>`)}`}`}var nn=[{key:"registries",label:"Registries"},{key:"images",label:"Images"},{key:"vulnerabilities",label:"Vulnerabilities"},{key:"scanners",label:"Scanners"},{key:"admission",label:"Admission"}];function sn(){let[t,e]=b(Ae());return M(()=>{let n=()=>e(Ae());return addEventListener("hashchange",n),()=>removeEventListener("hashchange",n)},[]),t}function an({onLogin:t}){let[e,n]=b(""),[s,r]=b(""),[a,i]=b(!1);async function o(c){c.preventDefault(),i(!0),r("");let _=e.trim();try{let u=await x("/api/v1/whoami",{token:_});t(u.role),_e(_)}catch(u){r(u.status===401?"This token is not valid.":u.message),i(!1)}}return l`<main id="main" class="login">
    <form class="card login-card" onSubmit=${o} aria-labelledby="login-title">
      <h1 id="login-title"><img src="/console/favicon.svg" alt="" width="28" height="28" /> Scanfleet</h1>
      <p>Log in with an API token (<code>scanfleet controller token create --role admin|reader</code>).</p>
      <label for="token">API token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required
        value=${e} onInput=${c=>n(c.currentTarget.value)} autofocus />
      ${s&&l`<p class="error" role="alert">${s}</p>`}
      <button type="submit" class="primary" disabled=${a}>${a?"Checking\u2026":"Log in"}</button>
    </form>
  </main>`}function rn({role:t,route:e,onLogout:n}){let s=e.parts[0]||"images",r=Y(null),a=Y(!0);M(()=>{if(a.current){a.current=!1;return}r.current&&r.current.focus()},[s,e.parts[1]]);let i;switch(s){case"registries":i=l`<${yt} role=${t} />`;break;case"image":i=l`<${wt} digest=${e.parts[1]} query=${e.query} />`;break;case"vulnerabilities":i=l`<${St} id=${e.parts[1]} query=${e.query} />`;break;case"scanners":i=l`<${Ct} role=${t} />`;break;case"admission":i=l`<${Lt} />`;break;case"images":i=l`<${xt} query=${e.query} />`;break;default:i=l`<h1>Not found</h1><p>No page “${s}”. <a href="#/images">Go to images</a>.</p>`}let o=s==="image"?"images":s;return l`
    <a class="skip" href="#main" onClick=${c=>{c.preventDefault(),r.current.focus()}}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/images"><img src="/console/favicon.svg" alt="" width="24" height="24" /> Scanfleet</a>
      <nav aria-label="Main">
        <ul>
          ${nn.map(c=>l`<li><a href=${P([c.key])} aria-current=${o===c.key?"page":void 0}>${c.label}</a></li>`)}
        </ul>
      </nav>
      <div class="who">
        <span class="role" title="Role of your token">${t}</span>
        <button type="button" class="link" onClick=${n}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${r}>${i}</main>`}function on(){let t=sn(),[e,n]=b(pt()),[s,r]=b("");return M(()=>ft(a=>n(a)),[]),M(()=>{!e||s||x("/api/v1/whoami").then(a=>r(a.role)).catch(()=>{})},[e]),M(()=>{document.title="Scanfleet \xB7 "+(e?t.parts[0]||"images":"log in")},[e,t.parts[0]]),e?l`<${rn} role=${s} route=${t} onLogout=${()=>{r(""),_e("")}} />`:l`<${an} onLogin=${a=>r(a)} />`}Xe(l`<${on} />`,document.getElementById("app"));
